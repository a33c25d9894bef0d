from decimal import Decimal

from django import forms

from quizzes.models import Attempt, Certainty, ProblemReport, Question, Topic

VALUE_LIMIT = Decimal("9999999999")


# The modes a quiz is started in, by a learner or from a course link (lti); a case's attempt has its own.
QUIZ_MODES = [(Attempt.Mode.TUTOR.value, Attempt.Mode.TUTOR.label), (Attempt.Mode.EXAM.value, Attempt.Mode.EXAM.label)]


class QuizBuilderForm(forms.Form):
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Topic.TYPE, Topic.DISTRIBUTION, Topic.DIFFERENTIAL],
        error_messages={"required": "Pick at least one topic."},
    )
    size = forms.IntegerField(
        label="Number of questions",
        min_value=1,
        max_value=100,
        initial=10,
        error_messages={"min_value": "Ask for at least one question.", "max_value": "At most 100 questions a quiz."},
    )
    pool = forms.ChoiceField(label="Questions from", choices=Attempt.Pool.choices, initial=Attempt.Pool.ALL)
    mode = forms.ChoiceField(
        choices=QUIZ_MODES,
        initial=Attempt.Mode.TUTOR,
        widget=forms.RadioSelect,
    )
    time_limit = forms.IntegerField(
        label="Time limit in minutes (exam mode, optional)",
        required=False,
        min_value=1,
        max_value=300,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("time_limit") and cleaned.get("mode") != Attempt.Mode.EXAM:
            self.add_error("time_limit", "A time limit applies to exam mode only.")
        return cleaned


def certainty_field() -> forms.ChoiceField:
    """ "How sure are you?", asked with every answer and every case decision (certainty-based marking)."""
    return forms.ChoiceField(
        label="How sure are you?",
        choices=Certainty.choices,
        initial=Certainty.UNSURE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Say how sure you are: sure, unsure or guess."},
    )


class OptionIdsField(forms.Field):
    """The ids of the options ticked, as integers; whether they belong to the question is the service's rule."""

    widget = forms.MultipleHiddenInput  # read with getlist; the page renders its own radios and checkboxes
    default_error_messages = {"invalid": "That option does not belong to this question."}

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class CommaDecimalField(forms.DecimalField):
    """A decimal that also takes a comma as the decimal point, as most of Europe writes it: "2,4" is 2.4.

    A comma followed by exactly three digits ("1,000") could be a thousands separator, so it is refused with a
    question rather than guessed; so is a number with both a comma and a point."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "").replace("\u2212", "-")  # a typed minus sign
            if "," in text:
                whole, _, fraction = text.rpartition(",")
                if "." in text or "," in whole:
                    raise forms.ValidationError(
                        "Write the number without thousands separators, such as 1234.5.", code="separators"
                    )
                digits = whole.lstrip("+-")
                if len(fraction) == 3 and fraction.isdigit() and digits.isdigit() and not digits.startswith("0"):
                    raise forms.ValidationError(
                        f"Is {text} a decimal ({whole}.{fraction}) or thousands ({whole}{fraction})? "
                        f"Write it with a point or without the comma.",
                        code="ambiguous",
                    )
                text = f"{whole}.{fraction}"
            value = text
        return super().to_python(value)


class AnswerForm(forms.Form):
    """Turns a posted answer into types (option ids, a number, a certainty); what makes an answer acceptable (one
    option for a single best answer, a number for a numeric question) is checked once, by services.response_record."""

    certainty = certainty_field()

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        if question.takes_number:
            # Bounded to what Response.value stores (14 digits, 4 after the point), so no entry can overflow it.
            self.fields["value"] = CommaDecimalField(
                label=f"Your answer ({question.unit})" if question.unit else "Your answer",
                required=False,
                min_value=-VALUE_LIMIT,
                max_value=VALUE_LIMIT,
                decimal_places=4,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                error_messages={
                    "invalid": "Enter a number, such as 62.5 (or 62,5).",
                    "min_value": "That number is far too small for this question.",
                    "max_value": "That number is far too large for this question.",
                    "max_decimal_places": "Give at most 4 digits after the decimal point.",
                },
            )
        else:
            self.fields["choice"] = OptionIdsField(label="Answer", required=False)

    def choice_ids(self) -> list[int]:
        return self.cleaned_data.get("choice") or []


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Your private note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under %(limit_value)d characters."},
    )


class ProblemReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=[("", "Choose a reason"), *ProblemReport.Reason.choices],
        error_messages={"required": "Choose what is wrong.", "invalid_choice": "Choose one of the reasons listed."},
    )
    comment = forms.CharField(
        label="Tell us more",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what you noticed, so an instructor can check it.",
            "max_length": "Keep it under 2,000 characters.",
        },
    )

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError("Say what you noticed, so an instructor can check it.")
        return comment
