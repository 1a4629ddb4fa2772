"""Step 1, `dates`: one patient's records with ISO dates and zero-padded times.

    python3 standardise_dates.py RECORDS OUTPUT

Writes one line per input line, in order (line N of the output is line N of the input):
`YYYY-MM-DD<TAB>HH:MM<TAB>CODE<TAB>VALUE`, or `!REASON` for a line rejected here.
"""
import sys

from diabetes import REASONS, read_lines, strip_return, text

DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def check_date(field):
    if not field:
        return REASONS['date_empty']()
    shaped = len(field) == 10 and field[2:3] == b'-' and field[5:6] == b'-' and (field[0:2] + field[3:5] + field[6:10]).isdigit()
    if not shaped:
        return REASONS['date_format'](text(field))
    month, day, year = int(field[0:2]), int(field[3:5]), int(field[6:10])
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    days = 29 if month == 2 and leap else (DAYS_IN_MONTH[month] if 1 <= month <= 12 else 0)
    if year < 1 or month < 1 or month > 12 or day < 1 or day > days:
        return REASONS['date_missing'](text(field))
    return None


def check_time(field):
    if not field:
        return REASONS['time_empty']()
    shaped = len(field) in (4, 5) and field[-3:-2] == b':' and field[:-3].isdigit() and field[-2:].isdigit()
    if not shaped:
        return REASONS['time_format'](text(field))
    if int(field[:-3]) > 23 or int(field[-2:]) > 59:
        return REASONS['time_range'](text(field))
    return None


def starts_split_record(fields, following):
    """Code 0 with an empty value, then a line with an empty date and four fields."""
    return fields[2] == b'0' and fields[3] == b'' and following is not None and following[:1] == b'\t' and following.count(b'\t') == 3


def with_following(lines):
    """Each (line, too_long) with the line after it (None at the end, or when that one is too long)."""
    previous = None
    for item in lines:
        if previous is not None:
            yield previous, (None if item[1] else item[0])
        previous = item
    if previous is not None:
        yield previous, None


def standardise(lines, write):
    split_head = 0
    for index, ((raw, too_long), following) in enumerate(with_following(lines)):
        number = index + 1
        if too_long:
            split_head = 0
            write(b'!' + REASONS['line_long']().encode('latin1') + b'\n')
            continue
        line = strip_return(raw)
        fields = line.split(b'\t')
        tail = split_head > 0
        head = not tail and len(fields) == 4 and starts_split_record(fields, following)
        if tail:
            reason = REASONS['split_tail'](split_head)
        elif not line:
            reason = REASONS['empty_line']()
        elif len(fields) != 4:
            reason = REASONS['field_count'](len(fields))
        elif head:
            reason = REASONS['split_head'](number + 1)
        else:
            reason = check_date(fields[0]) or check_time(fields[1])
        split_head = number if head else 0
        if reason is None:
            date, time, code, value = fields
            iso = date[6:10] + b'-' + date[0:2] + b'-' + date[3:5]
            write(b'\t'.join([iso, time if len(time) == 5 else b'0' + time, code, value]) + b'\n')
        else:
            write(b'!' + reason.encode('latin1') + b'\n')


def main():
    records, output = sys.argv[1:3]
    with open(records, 'rb') as source, open(output, 'wb') as target:
        standardise(read_lines(source), target.write)


if __name__ == '__main__':
    main()
