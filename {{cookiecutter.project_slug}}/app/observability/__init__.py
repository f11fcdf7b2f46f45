"""What the service emits for those who run it: metrics, traces, errors."""
