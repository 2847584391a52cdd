"""Scale the real-data sample up to Kaggle's "The Movies Dataset" shape and size, deterministically.

    .venv/bin/python -m bench.generate --scale 1.0      # 45,466 movies, 26,024,289 ratings, 270,896 users
    .venv/bin/python -m bench.generate --scale 0.01     # the same shape at 1%

Writes `data/bench/scale_<s>/{kaggle,fred}/` in the production files' layout (the CSV source reads it as
`MOVIES_FILES_DIR`), plus `day1/`: the next day's delivery (1% new ratings, 0.5% changed movies).
How each file is derived from the sample (never committed; same seed, same bytes):

- movies_metadata.csv / credits.csv: the sample's films repeated until the target count; copy k of a
  film gets id `id + k * 10^8` and IMDb id `tt<same number>`, every other value as in the sample.
  The sample's credits list ~2 crew per film (director, writer) where Kaggle's list ~10, so each
  film's crew is padded to 10 with real TMDB department/job pairs held by people from the sample.
- links.csv: one row per movie (MovieLens id = row number), as Kaggle's links cover its movies.
- ratings.csv: users get activity levels drawn from the sample's per-user rating counts, films get
  popularity from the sample's per-film rating counts (films the sample never rated get the lowest);
  pairs are drawn by those weights without repeats, and each rating (value and timestamp) is one the
  sample gave that film (or any film, when it has none), so per-film distributions carry over.
- fred/CPIAUCSL.csv: the sample's, as is.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from settings import Settings

KAGGLE_MOVIES, KAGGLE_RATINGS, KAGGLE_USERS = 45_466, 26_024_289, 270_896
ID_STRIDE = 100_000_000  # above every sample id, so copies never collide
CREW_PER_FILM = 10
CREW_JOBS = (
    ("Production", "Producer"), ("Production", "Executive Producer"), ("Production", "Casting"),
    ("Camera", "Director of Photography"), ("Editing", "Editor"), ("Sound", "Original Music Composer"),
    ("Art", "Production Design"), ("Art", "Set Decoration"), ("Costume & Make-Up", "Costume Design"),
    ("Sound", "Sound Designer"), ("Writing", "Screenplay"), ("Crew", "Stunt Coordinator"),
)  # fmt: skip
RATING_TEXT = pa.array([f"{value / 2:.1f}" for value in range(11)])  # "0.0" .. "5.0" by half-stars
DAY_NEW_RATINGS, DAY_CHANGED_MOVIES = 0.01, 0.005
MIN_SCALE = 0.01  # below it, Kaggle's ratings would fill most (user, film) pairs


@dataclass(frozen=True)
class Sizes:
    """Row counts for one scale (1.0 = Kaggle's full dataset)."""

    movies: int
    ratings: int
    users: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """Kaggle's counts times `scale`, at least one of each."""
        return cls(*(max(1, round(n * scale)) for n in (KAGGLE_MOVIES, KAGGLE_RATINGS, KAGGLE_USERS)))


def read_text_csv(path: Path) -> pa.Table:
    """A CSV with every column as text, blanks kept as empty strings (the sample's own encoding)."""
    columns = pacsv.read_csv(path, read_options=pacsv.ReadOptions(block_size=64 << 20)).column_names
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=False
    )
    return pacsv.read_csv(
        path, parse_options=pacsv.ParseOptions(newlines_in_values=True), convert_options=options
    )


def write_csv(table: pa.Table, path: Path) -> None:
    """Write like Kaggle's files: quotes only around values that hold a comma, quote or newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not any(_needs_quotes(table[name]) for name in table.column_names):
        with path.open("wb") as handle:
            handle.write((",".join(table.column_names) + "\n").encode())
            pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(table.column_names)
        for batch in table.to_batches(max_chunksize=10_000):
            writer.writerows(zip(*batch.to_pydict().values(), strict=True))


def _needs_quotes(column: pa.ChunkedArray) -> bool:
    if not pa.types.is_string(column.type):
        return False
    return bool(pc.any(pc.match_substring_regex(column, r'[",\n\r]')).as_py())


def copy_of(row_count: int, base_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """For each output row: the sample row it repeats, and which copy (0 = the original) it is."""
    index = np.arange(row_count)
    return index % base_rows, index // base_rows


def scaled_movies(movies: pa.Table, count: int) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """movies_metadata rows repeated to `count` with new ids; also each row's sample film id and new id."""
    base_row, copy = copy_of(count, movies.num_rows)
    base_ids = np.asarray(pc.cast(movies["id"], pa.int64()))[base_row]
    ids = base_ids + copy * ID_STRIDE
    table = movies.take(pa.array(base_row))
    table = table.set_column(table.schema.get_field_index("id"), "id", pa.array(ids.astype(str)))
    imdb = pa.array(np.char.add("tt", np.char.zfill(ids.astype(str), 7)))
    return table.set_column(table.schema.get_field_index("imdb_id"), "imdb_id", imdb), base_ids, ids


def padded_crew(crew: list[str], people: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Each film's crew literal with entries appended (real jobs, sample people) up to CREW_PER_FILM."""
    padded = []
    for literal in crew:
        missing = max(0, CREW_PER_FILM - literal.count("'job'"))
        names = rng.choice(people, size=missing)
        jobs = rng.integers(0, len(CREW_JOBS), size=missing)
        extra = [
            f"{{'credit_id': None, 'department': '{CREW_JOBS[j][0]}', 'gender': None, 'id': None, "
            f"'job': '{CREW_JOBS[j][1]}', 'name': {str(name)!r}, 'profile_path': None}}"
            for name, j in zip(names, jobs, strict=True)
        ]
        body = literal.strip()[1:-1]
        padded.append("[" + ", ".join(part for part in (body, *extra) if part) + "]")
    return padded


def credit_people(credits: pa.Table) -> np.ndarray:
    """Distinct cast names of the sample, the pool padded crew is drawn from (sorted: deterministic)."""
    found = pc.extract_regex(credits["cast"], r"'name': '(?P<name>[^']+)'")
    return np.array(sorted(set(pc.struct_field(found, "name").drop_null().to_pylist())))


def scaled_credits(credits: pa.Table, base_ids: np.ndarray, movie_ids: np.ndarray, seed: int) -> pa.Table:
    """credits rows for the scaled films (a copy has its sample film's cast), crew padded to Kaggle's size."""
    row_of = {int(value): row for row, value in enumerate(credits["id"].to_pylist())}
    picked = credits.take(pa.array([row_of[int(film)] for film in base_ids]))
    crew = padded_crew(picked["crew"].to_pylist(), credit_people(credits), np.random.default_rng(seed))
    return pa.table({"cast": picked["cast"], "crew": pa.array(crew), "id": pa.array(movie_ids.astype(str))})


def scaled_links(movie_ids: np.ndarray) -> pa.Table:
    """links.csv: MovieLens ids 1..N for the scaled films, with their IMDb digits and TMDB ids."""
    text = movie_ids.astype(str)
    return pa.table(
        {
            "movieId": pa.array(np.arange(1, len(movie_ids) + 1).astype(str)),
            "imdbId": pa.array(np.char.zfill(text, 7)),
            "tmdbId": pa.array(text),
        }
    )


@dataclass(frozen=True)
class SampleRatings:
    """The sample's ratings grouped by film (for resampling) and its activity distributions."""

    values: np.ndarray  # rating * 2 (0..10), grouped by film
    timestamps: np.ndarray  # grouped by film like `values`
    film_offset: dict[int, tuple[int, int]]  # sample film id -> (start, count) into the arrays
    user_counts: np.ndarray  # ratings per sample user

    @classmethod
    def read(cls, kaggle_dir: Path) -> SampleRatings:
        """Join the sample's ratings to its films through links.csv (MovieLens id -> TMDB id)."""
        ratings = pacsv.read_csv(kaggle_dir / "ratings.csv")
        links = pacsv.read_csv(kaggle_dir / "links.csv").drop_null()
        film_of = dict(zip(links["movieId"].to_pylist(), links["tmdbId"].to_pylist(), strict=True))
        films = np.array([film_of.get(m, -1) for m in ratings["movieId"].to_pylist()])
        order = np.argsort(films, kind="stable")
        films = films[order]
        starts = np.flatnonzero(np.r_[True, films[1:] != films[:-1]])
        counts = np.diff(np.r_[starts, len(films)])
        offsets = {
            int(films[s]): (int(s), int(c)) for s, c in zip(starts, counts, strict=True) if films[s] >= 0
        }
        _, user_counts = np.unique(ratings["userId"].to_numpy(), return_counts=True)
        values = np.rint(ratings["rating"].to_numpy()[order] * 2).astype(np.int8)
        return cls(values, ratings["timestamp"].to_numpy()[order], offsets, user_counts)

    def film_weights(self, base_ids: np.ndarray) -> np.ndarray:
        """Popularity of each scaled film: its sample film's rating count (at least 1)."""
        return np.array([max(1, self.film_offset.get(int(f), (0, 0))[1]) for f in base_ids], dtype=float)

    def resample(self, base_ids: np.ndarray, films: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """For each drawn (film index), the index of one sample rating of that film (any, if unrated)."""
        start = np.array([self.film_offset.get(int(f), (-1, 0))[0] for f in base_ids])[films]
        count = np.array([self.film_offset.get(int(f), (0, 0))[1] for f in base_ids])[films]
        draw = rng.random(len(films))
        anywhere = (draw * len(self.values)).astype(np.int64)
        return np.where(count > 0, start + (draw * np.maximum(count, 1)).astype(np.int64), anywhere)


def draw_pairs(
    user_weights: np.ndarray, film_weights: np.ndarray, count: int, rng: np.random.Generator,
    taken: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """`count` distinct (user, film) index pairs drawn by weight, none of them in `taken` (sorted keys)."""
    users_p, films_p = user_weights / user_weights.sum(), film_weights / film_weights.sum()
    if count > len(users_p) * len(films_p) // 2:
        raise ValueError(f"{count} ratings need more than {len(users_p)} users x {len(films_p)} films")
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < count:
        need = int((count - len(keys)) * 1.05) + 16
        new = rng.choice(len(users_p), need, p=users_p) * len(films_p) + rng.choice(
            len(films_p), need, p=films_p
        )
        if taken is not None:
            new = new[~np.isin(new, taken, assume_unique=False)]
        keys = np.concatenate([keys, new])
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
    keys = np.sort(keys[:count])
    return keys // len(films_p), keys % len(films_p)


def ratings_table(users: np.ndarray, films: np.ndarray, values: np.ndarray, stamps: np.ndarray) -> pa.Table:
    """ratings.csv columns: userId, movieId (MovieLens ids are 1-based), rating as `4.5`, timestamp."""
    return pa.table(
        {
            "userId": pa.array(users + 1),
            "movieId": pa.array(films + 1),
            "rating": RATING_TEXT.take(pa.array(values.astype(np.int64))),
            "timestamp": pa.array(stamps),
        }
    )


@dataclass(frozen=True)
class Scaled:
    """The generated movie side, kept for the ratings and the next day's delivery."""

    movies: pa.Table
    base_ids: np.ndarray
    movie_ids: np.ndarray


def generate_ratings(
    sample: SampleRatings, scaled: Scaled, sizes: Sizes, rng: np.random.Generator
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The scaled ratings, plus the user weights and pair keys the next day builds on."""
    user_weights = rng.choice(sample.user_counts, sizes.users).astype(float)
    film_weights = sample.film_weights(scaled.base_ids)
    users, films = draw_pairs(user_weights, film_weights, sizes.ratings, rng)
    picked = sample.resample(scaled.base_ids, films, rng)
    table = ratings_table(users, films, sample.values[picked], sample.timestamps[picked])
    return table, user_weights, users * len(film_weights) + films


def next_day_ratings(
    sample: SampleRatings, scaled: Scaled, user_weights: np.ndarray, taken: np.ndarray,
    sizes: Sizes, rng: np.random.Generator,
) -> pa.Table:  # fmt: skip
    """1% new ratings the day after the last one: 90% new pairs, 10% users re-rating a film."""
    count = max(1, round(sizes.ratings * DAY_NEW_RATINGS))
    re_rated = rng.choice(taken, count // 10, replace=False)
    users, films = draw_pairs(
        user_weights, sample.film_weights(scaled.base_ids), count - len(re_rated), rng, taken
    )
    n_films = len(scaled.base_ids)
    users = np.concatenate([users, re_rated // n_films])
    films = np.concatenate([films, re_rated % n_films])
    picked = sample.resample(scaled.base_ids, films, rng)
    stamps = int(sample.timestamps.max()) + 86_400 + rng.integers(0, 86_400, len(users))
    return ratings_table(users, films, sample.values[picked], stamps)


def changed_movies(movies: pa.Table, rng: np.random.Generator) -> pa.Table:
    """0.5% of the films changed the next day: box office grown 5% where known, else a minute longer."""
    chosen = rng.choice(movies.num_rows, max(1, round(movies.num_rows * DAY_CHANGED_MOVIES)), replace=False)
    revenue = movies["revenue"].to_pylist()
    runtime = movies["runtime"].to_pylist()
    for row in chosen.tolist():
        if revenue[row] not in ("", "0"):
            revenue[row] = str(round(float(revenue[row]) * 1.05))
        else:
            runtime[row] = str(float(runtime[row] or 90) + 1)
    table = movies.set_column(movies.schema.get_field_index("revenue"), "revenue", pa.array(revenue))
    return table.set_column(table.schema.get_field_index("runtime"), "runtime", pa.array(runtime))


def generate(sample_dir: Path, out: Path, scale: float, seed: int = 20261124) -> Path:
    """Write the scaled dataset and its next-day delivery under `out`; returns `out`."""
    rng = np.random.default_rng(seed)
    sizes = Sizes.at(scale)
    kaggle = sample_dir / "kaggle"
    movies, base_ids, movie_ids = scaled_movies(read_text_csv(kaggle / "movies_metadata.csv"), sizes.movies)
    scaled = Scaled(movies, base_ids, movie_ids)
    write_csv(movies, out / "kaggle" / "movies_metadata.csv")
    write_csv(
        scaled_credits(read_text_csv(kaggle / "credits.csv"), base_ids, movie_ids, seed),
        out / "kaggle" / "credits.csv",
    )
    write_csv(scaled_links(movie_ids), out / "kaggle" / "links.csv")
    sample = SampleRatings.read(kaggle)
    ratings, user_weights, taken = generate_ratings(sample, scaled, sizes, rng)
    write_csv(ratings, out / "kaggle" / "ratings.csv")
    del ratings
    (out / "fred").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_dir / "fred" / "CPIAUCSL.csv", out / "fred" / "CPIAUCSL.csv")
    day = out / "day1"
    write_csv(
        next_day_ratings(sample, scaled, user_weights, taken, sizes, rng), day / "kaggle" / "ratings.csv"
    )
    write_csv(changed_movies(movies, rng), day / "kaggle" / "movies_metadata.csv")
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the sample if needed, then generate `data/bench/scale_<s>/`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of Kaggle's size, 0.01 .. 1")
    parser.add_argument("--out", type=Path, help="default data/bench/scale_<s>")
    args = parser.parse_args(argv)
    if not MIN_SCALE <= args.scale <= 1:
        parser.error(f"--scale must be in [{MIN_SCALE}, 1]")
    settings = Settings()
    if not (settings.sample_dir / "manifest.json").is_file():
        from sample.build import build_sample

        build_sample(settings.sample_dir)
    out = args.out or settings.data_dir / "bench" / f"scale_{args.scale:g}"
    print(generate(settings.sample_dir, out, args.scale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
