{#- A table checked row by row as it is: `relation`, a silver entity's scan or a mart. -#}
select * from {{ relation }}
