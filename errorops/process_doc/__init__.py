"""docs/PROCESS.md, the process document, generated from alert_rules/ and the planned resources."""
