"""Helpers of bench/audit, the performance audit (docs/audit.md)."""
