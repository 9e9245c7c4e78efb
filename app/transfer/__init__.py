"""One organisation, whole: `mir org export` writes an archive that `mir org import` reads."""
