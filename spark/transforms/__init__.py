"""Pure DataFrame -> DataFrame transforms from the lake's raw/ layer to silver/ entities."""
