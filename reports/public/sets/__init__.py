"""A search's and a filter's results as sets of archive positions (PostgreSQL): the numbered
published reports of a generation (`numbering`) and one request's results, facets and ranking (`results`)."""
