"""Another framework's statements over an assessment (CQC's, first): the view by statement."""
