"""The lesson's converter (convert.py) over many files in one Python process, on a
multiprocessing.Pool, as the lesson's "use every core" part does it.

    python3 convert_pool.py PROCESSES OUT_DIR FILE...

Unlike a bare pool.map, which stops at the first file that raises, each file's exception is
caught and counted, so that every file is attempted; the count is printed on standard error.
"""
import os
import sys
from multiprocessing import Pool

from convert import convert


def convert_one(paths):
    try:
        convert(*paths)
        return None
    except Exception as error:  # noqa: BLE001 - counted, as the benchmark reports failures
        return f'{paths[0]}: {error!r}'


def main():
    processes, out_dir, *files = sys.argv[1:]
    pairs = [(path, os.path.join(out_dir, os.path.basename(path) + '.csv')) for path in files]
    with Pool(int(processes)) as pool:
        failures = [failure for failure in pool.map(convert_one, pairs, chunksize=8) if failure is not None]
    print(f'convert_pool: {len(pairs)} files, {len(failures)} failed', file=sys.stderr)


if __name__ == '__main__':
    main()
