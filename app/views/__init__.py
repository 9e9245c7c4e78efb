"""Independent views: one organisation's look at another's published markers.

A view's draft is an `Assessment` whose subject is another organisation (app/assessments),
written about a publication of the organisation viewed, never about its drafts.
Publishing a view freezes a `Publication` of kind "view" on the organisation writing it; a
reply is a `Publication` of kind "reply" on the organisation viewed.
"""
