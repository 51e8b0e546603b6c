"""Pure functions on image bytes (Pillow), no database: checking an upload by decoding it,
stripping its metadata, and making renditions."""
