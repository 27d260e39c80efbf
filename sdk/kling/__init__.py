"""The Kling AI image-generation SDK (work in progress)."""
