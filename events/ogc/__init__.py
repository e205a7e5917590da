"""
OGC API – Features at /ogc/ (Parts 1, 2, 3 and 5, read-only) for QGIS, GDAL
and other GIS clients, and HTML pages of the same resources for people:

- `collections.py`: what is served, each collection's properties, queryables
  and schema, the media types, CRSs and conformance classes;
- `parameters.py`: the query parameters of /items, parsed strictly;
- `cql2.py`: CQL2 filters (text and JSON, and GDAL 3.6's draft `cql-text`)
  as Django conditions on the queryables;
- `paging.py`: keyset pages in any `sortby` order and the count carried, signed,
  from page to page;
- `openapi.py`: the API definition, which GDAL reads to choose how to ask;
- `views.py`: the resources, as JSON and as HTML.
"""
