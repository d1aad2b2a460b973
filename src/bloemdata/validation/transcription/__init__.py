"""Transcription: every statement rebuilds from its anchor, every word of a page is in one."""
