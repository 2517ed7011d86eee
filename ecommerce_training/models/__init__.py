"""Models of the Department of Industry and Trade's e-commerce training:
workshops (``workshops``) and the practice marketplace (``marketplace``)."""

from ecommerce_training.models.marketplace import (
    Category,
    Listing,
    ListingComment,
    ListingPhoto,
    OrderStep,
    Shop,
    SimulatedOrder,
)
from ecommerce_training.models.workshops import (
    CheckIn,
    Registration,
    SurveyResponse,
    Workshop,
    WorkshopSession,
)

__all__ = [
    "Category",
    "CheckIn",
    "Listing",
    "ListingComment",
    "ListingPhoto",
    "OrderStep",
    "Registration",
    "Shop",
    "SimulatedOrder",
    "SurveyResponse",
    "Workshop",
    "WorkshopSession",
]
