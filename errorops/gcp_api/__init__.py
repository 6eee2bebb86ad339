"""Small Pulumi dynamic resources over Google Cloud Monitoring's REST API (what pulumi_gcp lacks)."""
