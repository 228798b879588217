"""Excel in and out: the lists communes already keep."""
