"""Imports every model so that metadata (create_all, Alembic autogenerate) sees them all."""
from app.accounts.models import User  # noqa: F401
from app.catalog.models import Product  # noqa: F401
from app.photos.models import Photo  # noqa: F401
from app.ledger.models import LedgerEntry, Refund, RefundLine  # noqa: F401
from app.notify.models import SmsMessage, SmsOptOut  # noqa: F401
from app.orders.models import Checkout, Customer, Order, OrderEvent, OrderLine  # noqa: F401
from app.payments.models import PaymentJob, PaymentTransaction  # noqa: F401
from app.pickup.models import SlotSeats  # noqa: F401
from app.shops.models import Closure, OpeningHours, Shop  # noqa: F401
from app.vouchers.models import (Voucher, VoucherLookup, VoucherMovement,  # noqa: F401
                                 VoucherSale)
from app.figures.models import DailyHourFigure, DailyShopFigure  # noqa: F401
from app.delivery.models import (Courier, DeliveryPickup, DeliveryRequest,  # noqa: F401
                                 DeliveryWindow, DeliveryZone, Round, Stop, WindowDrops)
from app.delivery.models import DeliveryEvent, DeliverySettings  # noqa: F401
