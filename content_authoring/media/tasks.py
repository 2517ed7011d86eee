"""Background tasks of the media sub-app: thin wrappers taking ids."""

from django.tasks import task

from content_authoring.media import services


@task
def media_asset_process(asset_id: int) -> str | None:
    """Make an asset's renditions; returns its final status."""
    asset = services.media_asset_process(asset_id=asset_id)
    return asset.status if asset else None
