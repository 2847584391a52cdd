{#-
    Gold's distributions, one row: average rating, share of movies with financials, genres per
    movie. Portable SQL (DuckDB and Trino): explicit casts for division, no `::`.
-#}
select
    (select avg(rating) from marts.fct_ratings) as average_rating,
    cast((select count(*) from marts.fct_movie_financials) as double)
        / (select count(*) from marts.dim_movies) as share_of_movies_with_financials,
    (select avg(genres) from (select movie_id, count(*) as genres from marts.bridge_movie_genres
                              group by movie_id)) as genres_per_movie,
    (select max(genres) from (select movie_id, count(*) as genres from marts.bridge_movie_genres
                              group by movie_id)) as most_genres_on_a_movie
