"""One module per task family; every module here is imported by `rlvr.tasks.names()`."""
