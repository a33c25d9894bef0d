from django import forms

from cases.models import Case
from lti import targets
from quizzes.forms import QUIZ_MODES
from quizzes.models import Attempt, Topic

KINDS = [("case", "A case"), ("quiz", "A quiz"), ("review", "The learner's review queue")]


class DeepLinkForm(forms.Form):
    """What a new course link opens: an instructor's choice when adding the tool to an LMS course."""

    title = forms.CharField(max_length=120, help_text="The link's name in the course, e.g. “Calciphylaxis case”.")
    kind = forms.ChoiceField(label="The link opens", choices=KINDS, widget=forms.RadioSelect, initial="quiz")
    case = forms.ModelChoiceField(
        queryset=Case.objects.published().in_teaching_order(),
        required=False,
        to_field_name="slug",
        empty_label=None,
        help_text="For a link that opens a case.",
    )
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Topic.TYPE, Topic.DISTRIBUTION, Topic.DIFFERENTIAL],
        label="Quiz topics",
        help_text="For a link that opens a quiz, with its number of questions and mode below.",
    )
    size = forms.IntegerField(label="Questions in the quiz", min_value=1, max_value=targets.MAX_SIZE, initial=10)
    mode = forms.ChoiceField(
        label="Quiz mode",
        choices=QUIZ_MODES,
        initial=Attempt.Mode.TUTOR,
        widget=forms.RadioSelect,
    )
    graded = forms.BooleanField(
        label="Send the score to the course's gradebook",
        required=False,
        initial=True,
        help_text="A quiz is marked out of 100 when the learner finishes it; a case on its decisions. The review "
        "queue has no score.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "case" and not cleaned.get("case"):
            self.add_error("case", "Choose the case the link opens.")
        if cleaned.get("kind") == "quiz" and not cleaned.get("topics"):
            self.add_error("topics", "Pick at least one topic for the quiz.")
        return cleaned

    def target(self) -> targets.Target:
        data = self.cleaned_data
        if data["kind"] == "case":
            return targets.Target("case", case=data["case"].slug)
        if data["kind"] == "quiz":
            return targets.Target("quiz", topics=tuple(data["topics"]), size=data["size"], mode=data["mode"])
        return targets.Target("review")
