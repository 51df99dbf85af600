"""One measured pandas.read_csv, for the scale bench. Prints one JSON line like load-child.mjs.
Usage: python3 bench/scale/pandas_load.py <file.csv>  (needs pandas: /usr/bin/python3 has it here)"""
import json, resource, sys, time

import pandas as pd

t0 = time.perf_counter()
c0 = time.process_time()
df = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"mode": "pandas", "seconds": round(seconds, 3), "cpuSeconds": round(cpu, 3), "maxRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "rows": len(df), "columns": df.shape[1]}))
