"""Finding organisations by what people type: names, former names, areas, misspelt or not."""
