"""Cohorts and bulk import of people (pages)."""

def cohort_list(request, **kwargs):  # placeholder, replaced by the people pages
    raise NotImplementedError

def cohort_detail(request, **kwargs):  # placeholder, replaced by the people pages
    raise NotImplementedError

def import_upload(request, **kwargs):  # placeholder, replaced by the people pages
    raise NotImplementedError

def import_preview(request, **kwargs):  # placeholder, replaced by the people pages
    raise NotImplementedError

def import_commit(request, **kwargs):  # placeholder, replaced by the people pages
    raise NotImplementedError
