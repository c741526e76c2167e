"""The exam player in the terminal: one question at a time, the server's clock always shown.

Every answer goes to the service as soon as it is typed, so closing the terminal loses
nothing: ``pmpath resume`` continues at the first question still to do, with the time the
attempt has left (a mock exam's clock runs on the server and cannot be paused, so it keeps
running meanwhile). In
practice mode each answer is followed by its feedback; in a mock exam nothing is revealed until
the attempt is finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markdown import Markdown
from rich.prompt import Confirm, Prompt
from rich.table import Table
from rich.text import Text

from pmpath.cli import render
from pmpath.cli.answers_input import LETTERS, letters_help, parse, show_response
from pmpath.cli.resume_cmds import resume_command
from pmpath.errors import AttemptError, PmpathError
from pmpath.exams.gaps import fill
from pmpath.services.models.exams import AttemptResults, PracticeAnswer

if TYPE_CHECKING:
    from pmpath.services.exams import ExamService
    from pmpath.services.models.exams import (
        AttemptQuestion,
        AttemptView,
        Feedback,
        QuestionView,
    )

console = render.console


#: Player commands start with a slash, so they can never be taken for an answer (option F of a
#: six-option question, or a short answer that happens to be a word).
COMMANDS = "Enter skips · /flag · /leave · /finish · /help"
HELP = (
    "/flag marks the question to revisit (or clears the mark); /leave stops here, with every "
    "answer saved; /finish hands the attempt in after showing what is unanswered; Enter skips "
    "to the next question."
)


def play(
    exams: ExamService, profile: str, attempt_id: int, bank_folder: str | None = None
) -> AttemptView | AttemptResults:
    """Run the attempt until it is finished or left; returns the last view or the results.

    ``bank_folder``: the folder of Markdown questions the attempt was drawn from, if any (the
    way back names it: pmpath keeps no copy of a folder). Ctrl-C leaves too, saying what was
    saved and how to come back (exit code 130)."""
    try:
        return _play(exams, profile, attempt_id, bank_folder)
    except KeyboardInterrupt:
        console.print()  # the prompt's line was left open
        console.print(saved_message(exams.view(attempt_id, profile), profile, bank_folder))
        raise typer.Exit(130) from None
    except EOFError:  # the input ran out (a script, a closed pipe): as if the learner left
        console.print()
        view = exams.view(attempt_id, profile)
        console.print(saved_message(view, profile, bank_folder))
        return view


def _play(
    exams: ExamService, profile: str, attempt_id: int, bank_folder: str | None
) -> AttemptView | AttemptResults:
    view = exams.view(attempt_id, profile)
    # Resuming opens the first question still to do: answered, unflagged ones are done.
    visited = {q.position for q in view.questions if q.response is not None and not q.flagged}
    scenario_shown: set[str] = set()
    while True:
        view = exams.view(attempt_id, profile)
        if view.finished_at is not None:
            return exams.results(attempt_id, profile)
        questions = view.questions
        pending = [q for q in questions if q.position not in visited]
        if not pending:
            unanswered, flagged = _open_questions(view)
            console.print(_progress(view))
            if (unanswered or flagged) and Confirm.ask(
                "Revisit the unanswered and flagged questions?",
                default=True,  # type: ignore[arg-type]  # rich types Confirm's default loosely
                console=console,
            ):
                visited -= {q.position for q in unanswered + flagged}
                continue
            if view.mode == "practice" or Confirm.ask(
                "Hand in the exam now? Answers cannot change afterwards.",
                default=True,  # every question has been seen
                console=console,
            ):
                return exams.finish(attempt_id, profile)
            console.print(saved_message(view, profile, bank_folder))
            return view
        question = pending[0]
        visited.add(question.position)
        action = _ask(exams, profile, view, question, scenario_shown)
        if action == "leave":
            console.print(saved_message(exams.view(attempt_id, profile), profile, bank_folder))
            return view
        if action == "finish":
            if _confirm_finish(exams.view(attempt_id, profile)):
                return exams.finish(attempt_id, profile)
            visited.discard(question.position)  # not handed in: back to the same question


def _open_questions(view: AttemptView) -> tuple[list[AttemptQuestion], list[AttemptQuestion]]:
    unanswered = [q for q in view.questions if q.response is None]
    flagged = [q for q in view.questions if q.flagged]
    return unanswered, flagged


def _progress(view: AttemptView) -> str:
    unanswered, flagged = _open_questions(view)
    total = len(view.questions)
    return (
        f"{total - len(unanswered)} of {total} answered, {len(unanswered)} unanswered, "
        f"{len(flagged)} flagged."
    )


def _confirm_finish(view: AttemptView) -> bool:
    """Hand in mid-way only when the learner says so, having seen what is still open."""
    console.print(_progress(view))
    return bool(
        Confirm.ask(
            "Hand in now? Answers cannot change afterwards.",
            default=False,
            console=console,
        )
    )


def saved_message(view: AttemptView, profile: str, bank_folder: str | None = None) -> str:
    """What is kept of a left attempt, whether its clock runs on, and how to come back."""
    answered = sum(1 for q in view.questions if q.response is not None)
    total = len(view.questions)
    text = f"{answered} of {total} answers saved."
    if view.seconds_left is not None:
        minutes, seconds = divmod(view.seconds_left, 60)
        text += f" The exam clock keeps running while you are away ({minutes}:{seconds:02d} left)."
    return f"{text} Resume with: {resume_command(view.attempt_id, profile, bank_folder)}"


def _ask(
    exams: ExamService,
    profile: str,
    view: AttemptView,
    question: AttemptQuestion,
    shown: set[str],
) -> str:
    header = f"Question {question.position + 1} of {len(view.questions)}"
    if view.seconds_left is not None:
        minutes, seconds = divmod(view.seconds_left, 60)
        header += f" · {minutes}:{seconds:02d} left"
    if question.flagged:
        header += " · flagged"
    console.print(Text(header, style="bold reverse"))
    show_question(question, shown)
    if question.response is not None:
        console.print(
            Text(f"Your answer so far: {show_response(question, question.response)}", style="dim")
        )
    while True:
        typed = Prompt.ask(
            f"Answer ({letters_help(question)}; {COMMANDS})",
            default="",
            show_default=False,
            console=console,
        )
        command = typed.strip().lower()
        if command == "":
            console.print()
            return "next"
        if command.startswith("/"):
            action = _command(exams, profile, view, question, command)
            if action is None:
                continue
            return action
        try:
            response = parse(question, typed)
            saved = exams.answer(view.attempt_id, profile, question.position, response)
        except AttemptError as exc:
            console.print(Text(str(exc), style="bold red"))
            return "next"
        except PmpathError as exc:
            console.print(Text(f"{exc} — try again.", style="red"))
            continue
        if isinstance(saved, PracticeAnswer):  # practice: the feedback comes at once
            show_feedback(question, saved)
        console.print()
        return "next"


def _command(
    exams: ExamService, profile: str, view: AttemptView, question: AttemptQuestion, command: str
) -> str | None:
    """Carry out a /command; returns the action for the player, or None to ask again."""
    name = command[1:].strip()
    if name in ("flag", "f"):
        exams.flag(view.attempt_id, profile, question.position, not question.flagged)
        console.print(
            "Flag cleared." if question.flagged else "Flagged: you will be offered it again."
        )
        return "next"
    if name in ("leave", "l"):
        return "leave"
    if name in ("finish", "hand in"):
        return "finish"
    if name not in ("help", "h", "?"):
        console.print(Text(f"{command!r} is not a command.", style="red"))
    console.print(HELP)
    return None


def show_question(question: QuestionView, shown: set[str]) -> None:
    """A question's scenario (the first time it comes up), stem and lettered options."""
    scenario = question.scenario
    if scenario and scenario.id not in shown:
        shown.add(scenario.id)
        console.print(Text(scenario.title, style="bold"))
        console.print(Markdown(scenario.text))
        console.print()
    if question.type == "gap":
        show_gaps(question)
        return
    console.print(Markdown(question.stem))
    if question.type == "matching":
        for number, left in enumerate(question.lefts, start=1):
            console.print(f"  {number}. {left}")
        console.print("  Match with:")
    # A grid, so an option's wrapped lines stay under its text, clear of the letters.
    options = Table.grid(padding=(0, 1))
    options.add_column(no_wrap=True)
    options.add_column()
    for index, option in enumerate(question.options):
        options.add_row(Text(f"  {LETTERS[index]}.", style="bold"), option.text)
    console.print(options)


def show_gaps(question: QuestionView) -> None:
    """A gap item: its text with each gap as "[gap n]", then the lettered choices, under the
    gaps that offer them when gaps offer different ones."""
    console.print(Markdown(fill(question.stem, lambda number: f"**\\[gap {number}\\]**")))
    letters = {option.id: LETTERS[n] for n, option in enumerate(question.options)}
    texts = {option.id: option.text for option in question.options}
    lists: dict[tuple[str, ...], list[int]] = {}
    for gap in question.gaps:
        lists.setdefault(tuple(gap.choices), []).append(gap.number)
    for choices, numbers in lists.items():
        if len(lists) > 1:
            label = "Gap" if len(numbers) == 1 else "Gaps"
            console.print(f"  {label} {', '.join(map(str, numbers))}:")
        options = Table.grid(padding=(0, 1))
        options.add_column(no_wrap=True)
        options.add_column()
        for choice in choices:
            options.add_row(Text(f"  {letters[choice]}.", style="bold"), texts[choice])
        console.print(options)


def show_feedback(question: QuestionView, feedback: Feedback) -> None:
    """Right or not, the key in the letters the learner saw, the rationales, the explanation."""
    if feedback.correct:
        console.print(Text("Correct.", style="bold green"))
    elif feedback.credit > 0:
        console.print(Text(f"Partly right ({feedback.credit:.0%}).", style="bold yellow"))
    else:
        console.print(Text("Not quite.", style="bold red"))
    key = feedback.key
    if question.type == "numeric" and isinstance(key, dict):
        unit = key.get("unit")
        console.print(f"Answer: {key['answer']:g}" + (f" {unit}" if unit else ""))
    elif question.type != "short-answer":
        console.print(f"Answer: {show_response(question, key)}")
    elif isinstance(key, list):
        console.print(f"Accepted: {', '.join(key)}")
    for index, option in enumerate(question.options):
        rationale = feedback.rationales.get(option.id)
        if rationale:
            console.print(Text.assemble((f"  {LETTERS[index]}: ", "bold"), rationale))
    console.print(Text(feedback.explanation, style="italic"))


def show_outcome(data: AttemptView | AttemptResults) -> None:
    """After the player: the results when the attempt was handed in (nothing when left)."""
    if isinstance(data, AttemptResults):
        show_results(data, with_review=False)


#: How an attempt ended, in words.
FINISHED = {"submitted": "handed in", "timeout": "handed in when time ran out"}


def show_results(data: AttemptResults, with_review: bool) -> None:
    """The results of a finished attempt: score, pass or fail, breakdowns, optionally the review."""
    verdict = "" if data.passed is None else (" — passed" if data.passed else " — not passed")
    mark = f" (pass mark {data.pass_mark:g}%)" if data.pass_mark is not None else ""
    render.heading(f"Score {data.score:g}%{mark}{verdict}")
    render.say(
        f"Attempt {data.attempt_id}: {data.answered} of {data.items} answered, "
        f"{FINISHED.get(data.finish_reason or '', data.finish_reason)}."
    )
    render.table(
        "By domain",
        ["Domain", "Score", "Items"],
        [[d.name, f"{d.percent:g}%", str(d.asked)] for d in data.by_domain],
    )
    render.table(
        "By competency",
        ["Competency", "Score", "Items"],
        [[c.name, f"{c.percent:g}%", str(c.asked)] for c in data.by_competency],
    )
    if not with_review:
        render.say(f"Review every question with: pmpath exam results {data.attempt_id} --review")
        return
    for question in data.review:
        render.say()
        feedback = question.feedback
        if feedback is None:
            mark = "·"
        else:
            mark = "✓" if feedback.correct else ("~" if feedback.credit > 0 else "✗")
        render.heading(f"{mark} Question {question.position + 1}")
        render.say(fill(question.stem, lambda number: f"[gap {number}]"))
        if data.review_policy.your_answers:
            render.say(f"Your answer: {show_response(question, question.response)}")
        if feedback is not None:
            show_feedback(question, feedback)
        else:
            render.dim(withheld(data.review_policy.keys))


def withheld(keys: str) -> str:
    """Why a finished exam's review shows no key for a question (its review policy)."""
    if keys == "none":
        return "This exam's review does not show right answers."
    return "Not answered: this exam's review shows right answers only for answered questions."
