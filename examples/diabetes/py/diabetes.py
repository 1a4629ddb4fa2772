"""What the Python steps share: lines, the code list, CSV fields and the reasons for rejecting.

Mirrors lib/*.ts of the TypeScript pipeline line for line where the output depends on it: the
test runs both pipelines and compares every CSV byte for byte. Files are read as bytes and
text is latin1 (one character per byte), so any byte of the input comes out unchanged.
"""
import re

CSV_HEADER = b'date,time,code,description,value,line\n'
REJECTS_HEADER = b'file,line,reason,record\n'
LEDGER_HEADER = b'file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose\n'

# Bytes a line may have before its `\n` (LINE_LIMIT in lib/line-stream.ts): a longer line is a
# reject, quoted cut to this length, and no step holds more than a few such lines in memory.
LINE_LIMIT = 65536
_CHUNK = 1 << 20

# Digits a value may have before its point, leading zeros aside (VALUE_DIGITS in lib/reasons.ts).
VALUE_DIGITS = 9

# `<what>: <detail>`; the part before the colon is the category rejects are counted by.
REASONS = {
    'empty_line': lambda: 'line: empty',
    'line_long': lambda: f'line: longer than {LINE_LIMIT} bytes',
    'field_count': lambda count: f'fields: expected 4 tab-separated fields, got {count}',
    'split_head': lambda following: f'split record: code 0 without a value (continued on line {following})',
    'split_tail': lambda previous: f'split record: continues line {previous}',
    'date_empty': lambda: 'date: empty',
    'date_format': lambda text: f'date: {text} is not MM-DD-YYYY',
    'date_missing': lambda text: f'date: {text} does not exist',
    'time_empty': lambda: 'time: empty',
    'time_format': lambda text: f'time: {text} is not HH:MM',
    'time_range': lambda text: f'time: {text} is not a time of day',
    'code_empty': lambda: 'code: empty',
    'code_unknown': lambda text: f'code: {text} is not in the code list',
    'value_empty': lambda: 'value: empty',
    'value_format': lambda text: f'value: {text} is not a number',
    'value_range': lambda text: f'value: {text} is out of range (more than {VALUE_DIGITS} digits before the point)',
}

_ENTRY = re.compile(r'^[ \t]*([0-9]+)[ \t]*=[ \t]*(.*?)[ \t\r]*$', re.S)
_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def read_lines(handle, limit=LINE_LIMIT):
    """(line, too_long) for each physical line of a binary file, without its `\n`, streamed: a line
    longer than `limit` bytes comes cut to `limit` bytes with too_long True, the rest skipped."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if line.endswith(b'\n'):
            yield line[:-1], False
        elif len(line) <= limit:
            yield line, False
            return
        else:
            rest = line
            while rest and not rest.endswith(b'\n'):
                rest = handle.readline(_CHUNK)
            yield line[:limit], True


def strip_return(line):
    return line[:-1] if line.endswith(b'\r') else line


def count_file_lines(path):
    """Physical lines of a file, read in chunks: one per `\n`, plus a last one without it."""
    count, last = 0, b'\n'
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b''):
            count += chunk.count(b'\n')
            last = chunk[-1:]
    return count + (0 if last == b'\n' else 1)


def text(data):
    return data.decode('latin1')


def csv_field(value):
    """One CSV field: quoted when it holds a comma, a quote or a line end."""
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def read_code_list(path):
    """({code number: description as a CSV field in bytes}, {glucose code numbers})."""
    descriptions = {}
    glucose = set()
    with open(path, 'rb') as handle:
        content = text(handle.read())
    for line in content.split('\n'):
        match = _ENTRY.match(line)
        if match is None:
            continue
        number = int(match.group(1))
        description = match.group(2)
        descriptions[number] = csv_field(description).encode('latin1')
        if re.search('blood glucose', description, re.I):
            glucose.add(number)
    if not descriptions:
        raise SystemExit(f'{path} lists no codes (expected lines such as `58 = Pre-breakfast blood glucose measurement`)')
    return descriptions, glucose


def read_code(field):
    """The number a code field spells when written as the code list writes codes, else -1."""
    if not 0 < len(field) <= 6 or (len(field) > 1 and field[:1] == b'0') or not field.isdigit():
        return -1
    return int(field)
