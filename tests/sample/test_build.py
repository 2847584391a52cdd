"""Facts about the deterministic real-data sample (built once per session, plus a rebuild)."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest

from sample.build import build_sample, main
from sample.normalise import (
    PERSON_SUFFIX,
    move_trailing_article,
    normalise_title,
    split_list,
    title_candidates,
)
from sample.shapes import KAGGLE_METADATA_COLUMNS, writer_credit

SHAWSHANK = "tt0111161"


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sample")
    return out, build_sample(out)


@pytest.fixture(scope="session")
def sample_dir(sample: tuple[Path, dict]) -> Path:
    return sample[0]


@pytest.fixture(scope="session")
def manifest(sample: tuple[Path, dict]) -> dict:
    return sample[1]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="session")
def metadata(sample_dir: Path) -> tuple[list[str], list[dict[str, str]]]:
    return read_csv(sample_dir / "kaggle" / "movies_metadata.csv")


def by_imdb(rows: list[dict[str, str]], imdb_id: str) -> dict[str, str]:
    matches = [row for row in rows if row["imdb_id"] == imdb_id]
    assert len(matches) == 1
    return matches[0]


# --- normaliser -------------------------------------------------------------------------------


def test_normalise_moves_trailing_article() -> None:
    assert normalise_title("Shawshank Redemption, The") == "the shawshank redemption"
    assert normalise_title("Shawshank Redemption, The") == normalise_title("The Shawshank Redemption")
    assert move_trailing_article("Misérables, Les") == "Les Misérables"
    assert normalise_title("Atalante, L'") == normalise_title("L'Atalante") == "latalante"


def test_normalise_strips_accents_and_punctuation() -> None:
    assert normalise_title("Amélie") == "amelie"
    assert normalise_title("Léon: The Professional") == "leon the professional"
    assert normalise_title("Dumb & Dumber") == normalise_title("Dumb and Dumber")
    assert normalise_title("Schindler's List") == "schindlers list"


def test_title_candidates_include_parenthesised_alternates() -> None:
    assert title_candidates("City of Lost Children, The (Cité des enfants perdus, La)") == [
        "the city of lost children",
        "la cite des enfants perdus",
    ]
    assert title_candidates("Seven (a.k.a. Se7en)") == ["seven", "se7en"]


def test_split_list_rejoins_name_suffixes() -> None:
    assert split_list("Ed Begley, Jr., Kurt Russell", PERSON_SUFFIX) == [
        "Ed Begley, Jr.",
        "Kurt Russell",
    ]
    assert split_list("") == []


def test_writer_credit_uses_parenthetical_as_job() -> None:
    assert writer_credit("Stephen King (novel)") == ("Stephen King", "Novel")
    assert writer_credit("Frank Darabont (screenplay)") == ("Frank Darabont", "Screenplay")
    assert writer_credit("Frank Darabont") == ("Frank Darabont", "Writer")


# --- kaggle files -----------------------------------------------------------------------------


def test_ratings_counts(sample_dir: Path) -> None:
    header, rows = read_csv(sample_dir / "kaggle" / "ratings.csv")
    assert header == ["userId", "movieId", "rating", "timestamp"]
    assert len(rows) == 100_004
    assert len({row["userId"] for row in rows}) == 671
    assert len({row["movieId"] for row in rows}) == 9_066
    assert rows[0] == {"userId": "1", "movieId": "31", "rating": "2.5", "timestamp": "1260759144"}
    keys = [(int(r["userId"]), int(r["movieId"]), int(r["timestamp"])) for r in rows]
    assert keys == sorted(keys)
    assert {row["rating"] for row in rows} == {f"{x / 2:.1f}" for x in range(1, 11)}


def test_movies_metadata_shape(metadata: tuple[list[str], list[dict[str, str]]]) -> None:
    header, rows = metadata
    assert header == list(KAGGLE_METADATA_COLUMNS)
    assert len(header) == 24
    assert len(rows) == 17_472
    ids = [int(row["id"]) for row in rows]
    assert ids == sorted(ids)
    assert all(row["id"] == str(int(row["imdb_id"][2:])) for row in rows)
    for column in ("adult", "overview", "popularity", "vote_average", "vote_count", "status"):
        assert {row[column] for row in rows} == {""}


def test_known_film(metadata: tuple[list[str], list[dict[str, str]]]) -> None:
    row = by_imdb(metadata[1], SHAWSHANK)
    assert row["title"] == "The Shawshank Redemption"
    assert row["id"] == "111161"
    assert row["genres"] == "[{'id': 18, 'name': 'Drama'}, {'id': 80, 'name': 'Crime'}]"
    assert row["budget"] == "25000000"
    assert row["revenue"] == "28817291"
    assert row["release_date"] == "1994-09-10"
    assert row["runtime"] == "142.0"
    assert row["original_language"] == "en"
    assert ast.literal_eval(row["production_countries"]) == [
        {"iso_3166_1": "US", "name": "United States of America"}
    ]


def test_unknown_budget_is_zero(metadata: tuple[list[str], list[dict[str, str]]]) -> None:
    kick_ass = by_imdb(metadata[1], "tt1250777")  # 2010: after ggplot2movies ends (2005)
    assert kick_ass["budget"] == "0"
    assert kick_ass["revenue"] == "96000000"
    budgets = [row["budget"] for row in metadata[1]]
    assert "" not in budgets
    assert 2_000 < sum(b != "0" for b in budgets) < 5_215


def test_genres_without_tmdb_id(metadata: tuple[list[str], list[dict[str, str]]]) -> None:
    intouchables = by_imdb(metadata[1], "tt1675434")
    assert ast.literal_eval(intouchables["genres"]) == [
        {"id": None, "name": "Biography"},
        {"id": 35, "name": "Comedy"},
        {"id": 18, "name": "Drama"},
    ]
    literals = {row["genres"] for row in metadata[1]}
    assert "[]" in literals
    assert not any("Sci-Fi" in value for value in literals)


def test_credits(sample_dir: Path, metadata: tuple[list[str], list[dict[str, str]]]) -> None:
    header, rows = read_csv(sample_dir / "kaggle" / "credits.csv")
    assert header == ["cast", "crew", "id"]
    assert [row["id"] for row in rows] == [row["id"] for row in metadata[1]]
    row = next(row for row in rows if row["id"] == "111161")
    cast = ast.literal_eval(row["cast"])
    assert "Morgan Freeman" in [member["name"] for member in cast]
    assert all(member["order"] is None for member in cast)
    assert list(cast[0]) == [
        "cast_id", "character", "credit_id", "gender", "id", "name", "order", "profile_path",
    ]  # fmt: skip
    crew = ast.literal_eval(row["crew"])
    assert [(c["name"], c["department"], c["job"]) for c in crew] == [
        ("Frank Darabont", "Directing", "Director"),
        ("Frank Darabont", "Writing", "Writer"),
    ]


def test_links(sample_dir: Path, manifest: dict) -> None:
    header, rows = read_csv(sample_dir / "kaggle" / "links.csv")
    assert header == ["movieId", "imdbId", "tmdbId"]
    assert len(rows) == 9_066
    ids = [int(row["movieId"]) for row in rows]
    assert ids == sorted(ids)
    by_movie = {row["movieId"]: row for row in rows}
    assert by_movie["1"] == {"movieId": "1", "imdbId": "0114709", "tmdbId": "114709"}
    assert by_movie["318"]["imdbId"] == "0111161"  # "Shawshank Redemption, The"
    matched = [row for row in rows if row["imdbId"]]
    assert all(len(row["imdbId"]) >= 7 and int(row["imdbId"]) == int(row["tmdbId"]) for row in matched)
    assert all(row["tmdbId"] == "" for row in rows if not row["imdbId"])
    stats = manifest["match_stats"]["links"]
    assert stats["matched"] == len(matched)
    assert stats["rate"] > 0.8
    assert stats["ratings_covered_rate"] > 0.9


# --- omdb and fred ----------------------------------------------------------------------------


def test_omdb_json_shape(sample_dir: Path) -> None:
    lines = (sample_dir / "omdb" / "movies.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 17_470  # two IMDb ids occur twice in bokeh; one line per id
    assert [r["imdbID"] for r in records] == sorted(r["imdbID"] for r in records)
    shawshank = next(r for r in records if r["imdbID"] == SHAWSHANK)
    # bokeh's Wikidata-derived release has no IMDb ratings, so the most a film has is RT + MC.
    assert shawshank["Ratings"] == [
        {"Source": "Rotten Tomatoes", "Value": "89%"},
        {"Source": "Metacritic", "Value": "82/100"},
    ]
    assert shawshank["Released"] == "10 Sep 1994"
    assert shawshank["Runtime"] == "142 min"
    assert shawshank["BoxOffice"] == "$28,817,291"
    assert shawshank["imdbRating"] == "N/A"
    assert shawshank["Plot"] == "N/A"
    assert shawshank["Response"] == "True"
    assert all(isinstance(value, str) for r in records for key, value in r.items() if key != "Ratings")


def test_cpi_months_contiguous(sample_dir: Path) -> None:
    header, rows = read_csv(sample_dir / "fred" / "CPIAUCSL.csv")
    assert header == ["observation_date", "CPIAUCSL"]
    assert rows[0] == {"observation_date": "1947-01-01", "CPIAUCSL": "21.480"}
    months = [(int(r["observation_date"][:4]), int(r["observation_date"][5:7])) for r in rows]
    indexes = [year * 12 + month for year, month in months]
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    assert all(r["observation_date"].endswith("-01") for r in rows)
    missing = [r["observation_date"] for r in rows if not r["CPIAUCSL"]]
    assert missing == ["2025-10-01"]  # BLS published no October 2025 CPI
    assert all(len(r["CPIAUCSL"].split(".")[1]) == 3 for r in rows if r["CPIAUCSL"])


# --- manifest, readme, determinism ------------------------------------------------------------


def test_manifest_matches_files(sample_dir: Path, manifest: dict) -> None:
    on_disk = json.loads((sample_dir / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["files"]["kaggle/ratings.csv"]["rows"] == 100_004
    assert manifest["files"]["kaggle/movies_metadata.csv"]["rows"] == 17_472
    assert set(manifest["files"]) == {
        "README.md",
        "fred/CPIAUCSL.csv",
        "kaggle/credits.csv",
        "kaggle/links.csv",
        "kaggle/movies_metadata.csv",
        "kaggle/ratings.csv",
        "omdb/movies.jsonl",
    }


def test_readme_states_surrogates_and_rates(sample_dir: Path, manifest: dict) -> None:
    readme = (sample_dir / "README.md").read_text(encoding="utf-8")
    assert "not TMDB ids" in readme
    links = manifest["match_stats"]["links"]
    assert f"{links['matched']:,} of 9,066 MovieLens movies" in readme
    for licence in ("CC0-1.0", "GroupLens", "GPL", "public domain"):
        assert licence in readme


def test_files_use_lf_line_endings(sample_dir: Path) -> None:
    for path in sample_dir.rglob("*"):
        if path.is_file():
            assert b"\r" not in path.read_bytes(), path


def test_second_build_is_byte_identical(tmp_path: Path, sample_dir: Path, manifest: dict) -> None:
    assert main(["--out", str(tmp_path)]) == 0
    rebuilt = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert rebuilt == manifest
    for path in sample_dir.rglob("*"):
        if path.is_file():
            relative = path.relative_to(sample_dir)
            assert (tmp_path / relative).read_bytes() == path.read_bytes(), relative
