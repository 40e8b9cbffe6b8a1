"""pricewar's output read the way Python and SQL users read it.

Reads a run directory and a sweep directory with Python Polars, pandas (pyarrow engine) and
DuckDB; checks every table has exactly the columns README.md documents, with the documented
types; checks the three readers agree; then runs README's Python snippets against the two
directories.

    python3 tests/python/test_outputs.py RUN_DIR SWEEP_DIR

Exits non-zero when a check fails. Called by the Rust test `tests/it/python.rs`.
"""

import contextlib
import io
import json
import pathlib
import re
import sys
import traceback

import duckdb
import pandas as pd
import polars as pl

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
RUN, SWEEP = (pathlib.Path(p) for p in sys.argv[1:3])
# A sweep with a Sobol design and pricewar's analysis of it (optional).
SOBOL, SOBOL_ANALYSIS = (pathlib.Path(p) for p in sys.argv[3:5]) if len(sys.argv) >= 5 else (None, None)

# Documented type -> (Polars dtype, pandas dtypes, DuckDB type).
TYPES = {
    "u64": (pl.UInt64, {"uint64"}, "UBIGINT"),
    "u32": (pl.UInt32, {"uint32"}, "UINTEGER"),
    "str": (pl.String, {"object", "str", "string"}, "VARCHAR"),
    "f64": (pl.Float64, {"float64"}, "DOUBLE"),
    "f64?": (pl.Float64, {"float64"}, "DOUBLE"),
    "bool": (pl.Boolean, {"bool"}, "BOOLEAN"),
}


def documented(table):
    """Columns and types of `table` from README's table that follows the line naming it."""
    lines = README.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(f"`{table}`") and "row" in line
    )
    columns = []
    for line in lines[start + 1 :]:
        if columns and not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        types = [t.strip() for t in cells[1].split(",")]
        if len(types) == 1:
            types = types * len(names)
        assert len(names) == len(types), f"README row {line!r}"
        columns += list(zip(names, types))
    assert columns, f"README documents no columns for {table}"
    return columns


def expected(table, parameters=(), vendors=(), firms=(), mergers=False):
    cols = documented(table)
    out = []
    for name, t in cols:
        if name == "<parameter>":
            out += [(p, None) for p in parameters]
        elif name == "cumulative_profit:<vendor>":
            out += [(f"cumulative_profit:{v}", "f64") for v in vendors]
        elif name == "cumulative_profit_firm:<firm>":
            out += [(f"cumulative_profit_firm:{f}", "f64") for f in firms]
        elif name.startswith("merger_") and not mergers:
            continue
        else:
            out.append((name, t))
    return out


def check_frame(where, names_types, pl_schema, pd_dtypes, duck_types):
    names = [n for n, _ in names_types]
    assert list(pl_schema) == names, f"{where}: Polars columns {list(pl_schema)} != {names}"
    assert list(pd_dtypes.index) == names, f"{where}: pandas columns {list(pd_dtypes.index)}"
    assert list(duck_types) == names, f"{where}: DuckDB columns {list(duck_types)}"
    for name, t in names_types:
        if t is None:  # a swept parameter: a number or text
            assert pl_schema[name] in (pl.Float64, pl.String), f"{where}.{name}: {pl_schema[name]}"
            continue
        want_pl, want_pd, want_duck = TYPES[t]
        assert pl_schema[name] == want_pl, f"{where}.{name}: Polars {pl_schema[name]}, want {want_pl}"
        assert str(pd_dtypes[name]) in want_pd, f"{where}.{name}: pandas {pd_dtypes[name]}, want {want_pd}"
        assert duck_types[name] == want_duck, f"{where}.{name}: DuckDB {duck_types[name]}, want {want_duck}"


def duck_describe(source):
    rows = duckdb.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()
    return {r[0]: r[1] for r in rows}


CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


@check
def run_panels_have_the_documented_columns_and_types():
    for table in ["vendors", "segments", "market"]:
        path = RUN / f"{table}.parquet"
        want = expected(f"{table}.parquet")
        df = pl.read_parquet(path)
        pdf = pd.read_parquet(path, engine="pyarrow")
        duck = duck_describe(f"read_parquet('{path}')")
        check_frame(f"run {table}", want, df.schema, pdf.dtypes, duck)
        n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
        assert len(df) == len(pdf) == n > 0, f"{table}: {len(df)}, {len(pdf)}, {n} rows"


@check
def run_values_are_consistent():
    v = pl.read_parquet(RUN / "vendors.parquet")
    m = pl.read_parquet(RUN / "market.parquet")
    manifest = json.loads((RUN / "manifest.json").read_text())
    assert len(v) == manifest["rows"]["vendors"]
    assert len(m) == manifest["rows"]["market"] == manifest["rounds"]
    # No NaN anywhere: undefined values are nulls.
    for df in (v, m):
        floats = [c for c, t in df.schema.items() if t == pl.Float64]
        assert df.select(pl.col(floats).is_nan().any()).row(0) == (False,) * len(floats)
    # Shares sum to one in rounds with sales; HHI over products is computed from them, and HHI
    # over firms from each owner's summed shares.
    by_round = v.group_by("round").agg(
        pl.col("share").sum().alias("total"), ((100 * pl.col("share")) ** 2).sum().alias("hhi_products")
    )
    by_firm = (
        v.group_by("round", "owner")
        .agg(pl.col("share").sum())
        .group_by("round")
        .agg(((100 * pl.col("share")) ** 2).sum().alias("hhi"))
    )
    joined = by_round.join(by_firm, on="round").join(
        m.select("round", "hhi", "hhi_products"), on="round", suffix="_market"
    )
    assert ((joined["total"] - 1).abs() < 1e-9).all()
    assert ((joined["hhi_products"] - joined["hhi_products_market"]).abs() < 1e-6).all()
    assert ((joined["hhi"] - joined["hhi_market"]).abs() < 1e-6).all()
    assert (joined["hhi"] >= joined["hhi_products"] - 1e-6).all(), "a firm's products pooled"
    # The firms panel sums each owner's products.
    f = pl.read_parquet(RUN / "firms.parquet")
    owners = v.group_by("round", "owner").agg(pl.col("profit").sum().alias("products"))
    check = f.join(owners, left_on=["round", "firm"], right_on=["round", "owner"])
    assert len(check) == len(f)
    assert ((check["profit"] - check["products"]).abs() <= 1e-6 * check["products"].abs().clip(1, None)).all()


def sweep_meta():
    return json.loads((SWEEP / "sweep.json").read_text())


@check
def sweep_tables_read_as_one_dataset_with_documented_columns():
    meta = sweep_meta()
    vendors = pl.scan_parquet(f"{SWEEP}/vendors/**/*.parquet").select("vendor").unique(maintain_order=True).collect()["vendor"]
    firms = pl.scan_parquet(f"{SWEEP}/firms/**/*.parquet").select("firm").unique(maintain_order=True).collect()["firm"]
    for table in ["runs", "vendors", "segments", "market"]:
        if table == "runs":
            # The sweep read here has no merger event, so no merger columns.
            want = expected("runs/", meta["parameters"], vendors.to_list(), firms.to_list())
        else:
            want = expected(f"{table}.parquet")
        # The hive partition column comes last.
        want = want + [("shard", None)]
        glob = f"{SWEEP}/{table}/**/*.parquet"
        df = pl.scan_parquet(glob, hive_partitioning=True).collect()
        pdf = pd.read_parquet(SWEEP / table, engine="pyarrow")
        duck = duck_describe(f"read_parquet('{SWEEP}/{table}/*/*.parquet', hive_partitioning = true)")
        names = [n for n, _ in want]
        assert list(df.columns) == names, f"sweep {table}: Polars {df.columns}"
        assert list(pdf.columns) == names, f"sweep {table}: pandas {list(pdf.columns)}"
        assert list(duck) == names, f"sweep {table}: DuckDB {list(duck)}"
        without_shard = want[:-1]
        check_frame(
            f"sweep {table}",
            without_shard,
            {k: v for k, v in df.schema.items() if k != "shard"},
            pdf.dtypes.drop("shard"),
            {k: v for k, v in duck.items() if k != "shard"},
        )
        n = duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{SWEEP}/{table}/*/*.parquet', hive_partitioning = true)"
        ).fetchall()[0][0]
        assert len(df) == len(pdf) == n > 0
        assert df["run_id"].n_unique() == meta["runs"], f"{table}: runs {df['run_id'].n_unique()}"
        assert df["shard"].n_unique() > 1, "the fixture spans several shards"


@check
def sweep_runs_join_panels_in_sql():
    meta = sweep_meta()
    params = ", ".join(f'r."{p}"' for p in meta["parameters"])
    rows = duckdb.sql(
        f"""
        SELECT {params}, count(DISTINCT r.run_id) AS runs, avg(v.price) AS mean_price
        FROM read_parquet('{SWEEP}/runs/*/*.parquet', hive_partitioning = true) r
        JOIN read_parquet('{SWEEP}/vendors/*/*.parquet', hive_partitioning = true) v
          USING (run_id)
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    assert len(rows) == meta["runs"] // meta["replicates"], rows
    k = len(meta["parameters"])
    assert all(r[k] == meta["replicates"] for r in rows), rows


@check
def readme_snippets_run():
    # Every Python block in README, pointed at these directories (the sweep's name first: the
    # run's is a prefix of it).
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 3, f"{len(blocks)} Python blocks in README"
    for block in blocks:
        code = block.replace("output/undercut-sweep-sweep", SWEEP.as_posix()).replace(
            "output/china-2024", RUN.as_posix()
        )
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "README.md", "exec"), {})


@check
def sobol_indices_agree_with_salib():
    """SALib's estimators on pricewar's Sobol design and its runs' replicate means give
    pricewar's first- and total-order indices."""
    if SOBOL is None:
        return
    from SALib.analyze import sobol

    meta = json.loads((SOBOL / "sweep.json").read_text())
    replicates = meta["replicates"]
    params = meta["parameters"]
    ours = json.loads(SOBOL_ANALYSIS.read_text())["sensitivity"]
    runs = pl.scan_parquet(f"{SOBOL}/runs/**/*.parquet").collect().sort("run_id")
    problem = {"num_vars": len(params), "names": params, "bounds": [[0.0, 1.0]] * len(params)}
    for metric in ["final_price_index", "cumulative_consumer_surplus"]:
        y = (
            runs.with_columns((pl.col("run_id") // replicates).alias("point"))
            .group_by("point")
            .agg(pl.col(metric).mean())
            .sort("point")[metric]
            .to_numpy()
        )
        assert len(y) == 64 * (len(params) + 2), len(y)
        si = sobol.analyze(problem, y, calc_second_order=False, print_to_console=False)
        for j, p in enumerate(params):
            mine = next(i for i in ours if i["metric"] == metric and i["parameter"] == p)
            for key, theirs in [("first_order", si["S1"][j]), ("total_order", si["ST"][j])]:
                assert abs(mine[key] - theirs) < 1e-9, f"{metric} {p} {key}: {mine[key]} vs SALib {theirs}"


def main():
    passed = failed = 0
    for fn in CHECKS:
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
