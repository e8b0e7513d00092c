"""What the service keeps about callers, and for how long: per-business retention and the
erasure of one caller's data (GDPR art. 17), both carried out by the worker."""
