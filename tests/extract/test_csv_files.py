"""read_csv_batches: typed Arrow rows, and every rejected line kept in quarantine with a reason."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow as pa
import pytest

from extract.csv_files.location import file_sha256
from extract.csv_files.reader import (
    QUARANTINE_SCHEMA,
    CsvBatch,
    CsvSpec,
    read_csv_batches,
)
from extract.fred import CPI_SPEC
from extract.kaggle import KAGGLE_FILES

RATINGS_SPEC = KAGGLE_FILES["ratings"]
CREDITS_SPEC = KAGGLE_FILES["credits"]
LINKS_SPEC = KAGGLE_FILES["links"]
RATINGS_HEADER = "userId,movieId,rating,timestamp"


def write_csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_all(path: Path, spec: CsvSpec) -> tuple[pa.Table, pa.Table]:
    """Every batch's rows and quarantine rows, concatenated."""
    batches: list[CsvBatch] = list(read_csv_batches(path, spec))
    assert batches, "no batch was read"
    rows = pa.concat_tables([batch.rows for batch in batches])
    quarantined = pa.concat_tables(
        [QUARANTINE_SCHEMA.empty_table(), *(batch.quarantined for batch in batches)]
    )
    return rows, quarantined


def test_line_with_too_few_fields_is_quarantined(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "ratings.csv",
        [RATINGS_HEADER, "1,31,2.5,1260759144", "1,1029", "1,1061,3.0,1260759182"],
    )

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.column("movieId").to_pylist() == [31, 1061]
    assert quarantined.num_rows == 1
    bad = quarantined.to_pylist()[0]
    assert bad["source_file"] == "ratings.csv"
    assert bad["raw_value"] == "1,1029"
    assert bad["reason"] == "expected 4 fields, found 2"
    # Arrow cannot number physical lines when quoted values may span lines.
    assert bad["position"].startswith("line ")


def test_line_with_too_many_fields_is_quarantined(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "ratings.csv",
        [RATINGS_HEADER, "1,31,2.5,1260759144,extra", "1,1029,3.0,1260759179"],
    )

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.column("movieId").to_pylist() == [1029]
    assert quarantined.column("reason").to_pylist() == ["expected 4 fields, found 5"]
    assert quarantined.column("raw_value").to_pylist() == ["1,31,2.5,1260759144,extra"]


def test_non_integer_movie_id_is_quarantined_and_good_rows_typed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "ratings.csv",
        [
            RATINGS_HEADER,
            "1,31,2.5,1260759144",
            "1,abc,3.0,1260759179",
            "2,1029,4.0,1260759185",
        ],
    )

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.schema.field("userId").type == pa.int64()
    assert rows.schema.field("movieId").type == pa.int64()
    assert rows.schema.field("rating").type == pa.float64()
    assert rows.schema.field("timestamp").type == pa.int64()
    assert rows.to_pylist() == [
        {"userId": 1, "movieId": 31, "rating": 2.5, "timestamp": 1260759144},
        {"userId": 2, "movieId": 1029, "rating": 4.0, "timestamp": 1260759185},
    ]
    assert quarantined.to_pylist() == [
        {
            "source_file": "ratings.csv",
            "position": "record 2",
            "raw_value": "1,abc,3.0,1260759179",
            "reason": "movieId: not a valid int64",
        }
    ]


def test_first_failing_column_gives_the_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, "x,,high,1260759144"])

    _, quarantined = read_all(path, RATINGS_SPEC)

    assert quarantined.column("reason").to_pylist() == ["userId: not a valid int64"]


def test_missing_required_value_is_quarantined(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, "1,31,,1260759144"])

    _, quarantined = read_all(path, RATINGS_SPEC)

    assert quarantined.column("reason").to_pylist() == ["rating: missing value"]


def test_fred_missing_value_dot_is_quarantined_and_dates_typed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "CPIAUCSL.csv",
        ["observation_date,CPIAUCSL", "1947-01-01,21.48", "1947-02-01,.", "1947-03-01,22.00"],
    )

    rows, quarantined = read_all(path, CPI_SPEC)

    assert rows.schema.field("observation_date").type == pa.date32()
    assert rows.column("CPIAUCSL").to_pylist() == [21.48, 22.0]
    assert [str(day) for day in rows.column("observation_date").to_pylist()] == [
        "1947-01-01",
        "1947-03-01",
    ]
    assert quarantined.column("reason").to_pylist() == ["CPIAUCSL: not a valid double"]


def test_untyped_columns_stay_text_and_blank_is_null(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "links.csv", ["movieId,imdbId,tmdbId", "1,0114709,862", "2,0113497,"])

    rows, quarantined = read_all(path, LINKS_SPEC)

    assert rows.to_pylist() == [
        {"movieId": "1", "imdbId": "0114709", "tmdbId": "862"},
        {"movieId": "2", "imdbId": "0113497", "tmdbId": None},
    ]
    assert quarantined.num_rows == 0


@pytest.mark.parametrize(
    "header",
    [
        "user,movieId,rating,timestamp",  # a renamed column
        "userId,movieId,rating",  # a missing column
        "movieId,userId,rating,timestamp",  # columns swapped
        "userId,movieId,rating,timestamp,source",  # schema drift: an extra column is refused, not guessed
    ],
)
def test_wrong_header_names_the_file(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path, "ratings_2017.csv", [header, "1,31,2.5,1260759144"])

    with pytest.raises(ValueError, match=r"^ratings_2017\.csv: header .* does not match"):
        list(read_csv_batches(path, RATINGS_SPEC))


def test_multi_line_quoted_values_survive(tmp_path: Path) -> None:
    cast = "[{'character': 'Woody', 'name': \"\"Tom\nHanks\"\"}]"
    path = write_csv(tmp_path, "credits.csv", ["cast,crew,id", f'"{cast}","[]",862', "[],[],8844"])

    rows, quarantined = read_all(path, CREDITS_SPEC)

    assert rows.column("id").to_pylist() == ["862", "8844"]
    assert rows.column("cast").to_pylist()[0] == "[{'character': 'Woody', 'name': \"Tom\nHanks\"}]"
    assert quarantined.num_rows == 0


def test_loaded_plus_quarantined_equals_data_lines_across_blocks(tmp_path: Path) -> None:
    good = [f"{user},{user * 7},{(user % 10) / 2 + 0.5},{1260759000 + user}" for user in range(1, 301)]
    lines = [RATINGS_HEADER, *good]
    lines[50] = "7,not-a-movie,3.0,1260759000"
    lines[120] = "8,1,2"
    lines[250] = "9,9,,1260759000"
    path = write_csv(tmp_path, "ratings.csv", lines)
    spec = dataclasses.replace(RATINGS_SPEC, block_size=1024)  # many blocks

    batches = list(read_csv_batches(path, spec))
    loaded = sum(batch.rows.num_rows for batch in batches)
    quarantined = sum(batch.quarantined.num_rows for batch in batches)

    assert len(batches) > 1
    assert loaded == 297
    assert quarantined == 3
    assert loaded + quarantined == len(lines) - 1


def test_header_only_file_yields_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER])

    batches = list(read_csv_batches(path, RATINGS_SPEC))

    assert sum(batch.rows.num_rows + batch.quarantined.num_rows for batch in batches) == 0


def test_file_sha256_changes_with_content(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "links.csv", ["movieId,imdbId,tmdbId", "1,0114709,862"])
    before = file_sha256(path)

    assert file_sha256(path, chunk_size=3) == before
    path.write_text("movieId,imdbId,tmdbId\n1,0114709,863\n", encoding="utf-8")
    assert file_sha256(path) != before


# --- rows that must reach quarantine rather than abort the file or vanish ------------------------


def test_file_of_only_malformed_lines_is_quarantined(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, "1,1029"])

    batches = list(read_csv_batches(path, RATINGS_SPEC))

    assert sum(batch.quarantined.num_rows for batch in batches) == 1


@pytest.mark.parametrize(
    ("spec", "lines", "reason"),
    [
        (
            RATINGS_SPEC,
            [RATINGS_HEADER, "1,31,2.5,1260759144", "1,99999999999999999999,3.0,1260759179"],
            "movieId: not a valid int64",
        ),
        (
            CPI_SPEC,
            ["observation_date,CPIAUCSL", "1947-01-01,21.48", "1947-13-01,21.62"],
            "observation_date: not a valid date32[day]",
        ),
    ],
)
def test_value_matching_the_pattern_but_out_of_range_is_quarantined(
    tmp_path: Path, spec: CsvSpec, lines: list[str], reason: str
) -> None:
    path = write_csv(tmp_path, "data.csv", lines)

    rows, quarantined = read_all(path, spec)

    assert rows.num_rows == 1
    assert quarantined.column("reason").to_pylist() == [reason]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("0x1F,31,2.5,1260759144", "userId: not a valid int64"),  # Arrow's cast would read 31
        ("+7,31,2.5,1260759144", "userId: not a valid int64"),
        ("1,31,nan,1260759144", "rating: not a valid double"),
        ("1,31,inf,1260759144", "rating: not a valid double"),
        ("1,31,-inf,1260759144", "rating: not a valid double"),
        ("1,31,,1260759144", "rating: missing value"),
        # ratings.csv is read with quoting off: two quotes are the literal text '""', not a blank.
        ('1,31,"",1260759144', "rating: not a valid double"),
    ],
)
def test_values_arrows_cast_would_accept_are_held_to_the_patterns(
    tmp_path: Path, line: str, reason: str
) -> None:
    """A block that casts cleanly skips row checks; it must not let through what the row checks reject."""
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, "1,1,4.0,1260759144", line])

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.to_pylist() == [{"userId": 1, "movieId": 1, "rating": 4.0, "timestamp": 1260759144}]
    assert quarantined.select(["position", "reason"]).to_pylist() == [
        {"position": "record 2", "reason": reason}
    ]


def test_clean_and_dirty_blocks_give_the_rows_of_a_row_by_row_check(tmp_path: Path) -> None:
    """Small blocks: clean ones take the fast path, the one with a bad value the row checks."""
    lines = [f"{user},{user % 7 + 1},{(user % 10 + 1) / 2},{1260759144 + user}" for user in range(1, 3001)]
    lines[1499] = "1500,x,3.0,1260760644"
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, *lines])
    spec = dataclasses.replace(RATINGS_SPEC, block_size=4096)

    rows, quarantined = read_all(path, spec)

    assert rows.num_rows == 2999
    assert 1500 not in rows.column("userId").to_pylist()
    assert rows.column("userId").to_pylist() == sorted(rows.column("userId").to_pylist())
    assert quarantined.to_pylist() == [
        {"source_file": "ratings.csv", "position": "record 1500", "raw_value": "1500,x,3.0,1260760644",
         "reason": "movieId: not a valid int64"}
    ]  # fmt: skip


def test_a_consumer_that_stops_early_does_not_hang_the_reader(tmp_path: Path) -> None:
    lines = [f"{user},1,4.0,1260759144" for user in range(1, 5001)]
    path = write_csv(tmp_path, "ratings.csv", [RATINGS_HEADER, *lines])
    batches = read_csv_batches(path, dataclasses.replace(RATINGS_SPEC, block_size=1024), prefetch=1)

    first = next(batches)
    batches.close()  # the prefetch thread is blocked on a full queue: closing must release it

    assert first.rows.column("userId").to_pylist()[0] == 1


def test_an_error_in_the_reader_thread_reaches_the_consumer(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "ratings.csv", ["user,movie,rating,timestamp", "1,1,4.0,1"])

    with pytest.raises(ValueError, match=r"ratings\.csv: header"):
        list(read_csv_batches(path, RATINGS_SPEC))


def test_bytes_that_are_not_utf8_quarantine_their_row_only(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(
        b"userId,movieId,rating,timestamp\n1,2,4.0,100\n1,3,\xff\xfe,101\n2,x,3.0,102\n2,3,3.0,103\n"
    )

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.column("timestamp").to_pylist() == [100, 103]
    assert quarantined.select(["position", "raw_value", "reason"]).to_pylist() == [
        {"position": "record 2", "raw_value": "1,3,\\xff\\xfe,101", "reason": "rating: not valid UTF-8"},
        # Positions after a dropped row stay those of the file.
        {"position": "record 3", "raw_value": "2,x,3.0,102", "reason": "movieId: not a valid int64"},
    ]


def test_a_stray_quote_in_ratings_spoils_only_its_own_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "ratings.csv",
        [RATINGS_HEADER, "1,2,4.0,100", '1,"3,4.5,101', "2,3,3.0,102", "3;4;2.0;103", "3,4,2.0,104"],
    )

    rows, quarantined = read_all(path, RATINGS_SPEC)

    assert rows.column("timestamp").to_pylist() == [100, 102, 104]
    assert sorted(quarantined.column("reason").to_pylist()) == [
        "expected 4 fields, found 1",  # the line with the wrong delimiter
        "movieId: not a valid int64",  # '"3'
    ]


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(b"")

    with pytest.raises(ValueError, match=r"ratings\.csv: the file is empty"):
        list(read_csv_batches(path, RATINGS_SPEC))
