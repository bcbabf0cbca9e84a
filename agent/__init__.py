"""icp-agent: evidence-backed Ideal Customer Profiles from customer research."""

__version__ = "0.1.0"
