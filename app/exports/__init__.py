"""Downloads of an organisation's latest published action plan: HTML, PDF, DOCX, CSV, JSON."""
