from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

# Two SMS with the STOP mention is about 280 characters: the service says exactly.
MAX_CAMPAIGN_CHARS = 320


class CampaignForm(FlaskForm):
    text = TextAreaField(_l("Message"), validators=[
        DataRequired(message=_l("Écrivez le message.")),
        Length(max=MAX_CAMPAIGN_CHARS,
               message=_l("%(n)s caractères au plus.", n=MAX_CAMPAIGN_CHARS))],
        render_kw={"rows": 4, "maxlength": MAX_CAMPAIGN_CHARS, "data-testid": "campaign-text"})
