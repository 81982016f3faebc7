#!/usr/bin/env python3
"""Writes the hostile .xlsx files of tests/data/bad (run from tests/data/bad: `python3 ../make_xlsx_bombs.py`).

Each is a tiny, valid zip that describes a huge sheet; `tests/spreadsheet_bombs.rs` checks
that Tessera refuses each with a message naming the limit, without reading it whole.
"""
import struct
import zipfile

TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'


def sheet(dimension, rows):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ''
    return f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def strings(items, unique_count=None):
    n = len(items) if unique_count is None else unique_count
    body = ''.join(f'<si><t>{s}</t></si>' for s in items)
    return f'<sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">{body}</sst>'


HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
ROW2 = '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>52.1</v></c><c r="C2"><v>5.1</v></c></row>'
NAMES = ['name', 'lat', 'lon', 'Bakkerij']


def write(path, sheet_xml, strings_xml):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('[Content_Types].xml', TYPES)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WORKBOOK)
        z.writestr('xl/_rels/workbook.xml.rels', WORKBOOK_RELS)
        z.writestr('xl/worksheets/sheet1.xml', sheet_xml)
        z.writestr('xl/sharedStrings.xml', strings_xml)


def declare_size(path, part, size):
    """Patches the unpacked size a part declares (local header and central directory)."""
    data = bytearray(open(path, 'rb').read())
    name = part.encode()
    at = data.find(b'PK\x03\x04' + b'')
    while at != -1:
        n, m = struct.unpack_from('<HH', data, at + 26)
        if data[at + 30:at + 30 + n] == name:
            struct.pack_into('<I', data, at + 22, size)
        at = data.find(b'PK\x03\x04', at + 4)
    at = data.find(b'PK\x01\x02')
    while at != -1:
        n = struct.unpack_from('<H', data, at + 28)[0]
        if data[at + 46:at + 46 + n] == name:
            struct.pack_into('<I', data, at + 24, size)
        at = data.find(b'PK\x01\x02', at + 4)
    open(path, 'wb').write(bytes(data))


# A good file: the reader works on what the bad ones imitate.
write('../xlsx-minimal.xlsx', sheet('A1:C2', HEADER + ROW2), strings(NAMES))
# One cell at XFD1048576, declared in <dimension> (24 GB when read whole).
far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
write('xlsx-cell-at-xfd1048576.xlsx', sheet('A1:XFD1048576', HEADER + ROW2 + far), strings(NAMES))
# The same cell with a dimension that hides it.
write('xlsx-undeclared-cell-at-xfd1048576.xlsx', sheet('A1:C2', HEADER + ROW2 + far), strings(NAMES))
# A shared-strings table declaring four billion entries (an allocation abort).
write('xlsx-shared-strings-4e9.xlsx', sheet('A1:C2', HEADER + ROW2), strings(NAMES, 4_000_000_000))
# One shared string of 2 MiB (a 1 GB one compresses to 1 MB the same way).
write('xlsx-huge-cell.xlsx', sheet('A1:C2', HEADER + ROW2), strings(NAMES[:3] + ['x' * (2 << 20)]))
# 2,000,001 rows without positions: 52 MB of XML in 60 KB.
many = '<row><c><v>1</v></c></row>' * 2_000_001
write('xlsx-rows-beyond-limit.xlsx', sheet(None, HEADER + many), strings(NAMES))
# A sheet part that declares 3 GiB unpacked.
write('xlsx-part-declares-3gib.xlsx', sheet('A1:C2', HEADER + ROW2), strings(NAMES))
declare_size('xlsx-part-declares-3gib.xlsx', 'xl/worksheets/sheet1.xml', 3 << 30)
