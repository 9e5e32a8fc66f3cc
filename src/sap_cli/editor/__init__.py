"""Support for editors: JSON Schemas made from the models."""
