"""StreamField blocks editors use on explainer and FAQ pages."""
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"), max_length=200)
    text = blocks.TextBlock(label=_("What to do"))

    class Meta:
        icon = "list-ol"
        label = _("Step")
        template = "site/blocks/step.html"


class TableBlock(blocks.StructBlock):
    """A plain table: a caption, a header row and body rows of text cells."""

    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)
    header = blocks.ListBlock(blocks.CharBlock(label=_("Column")), label=_("Header row"))
    rows = blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(label=_("Cell"), required=False), label=_("Row")),
                            label=_("Rows"))

    class Meta:
        icon = "table"
        label = _("Table")
        template = "site/blocks/table.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "site/blocks/question.html"
