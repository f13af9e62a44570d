"""Routes: commands, choices and pending steps, each with the role it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.context import Context
from handlers.messages import Reply
from storage.models import Role

Handler = Callable[[Context, str], list[Reply]]
Decorator = Callable[[Handler], Handler]


@dataclass(frozen=True)
class Route:
    handler: Handler
    role: Role | None  # None: anyone, strangers included
    only: bool = False  # for that role alone, not for the roles above it too


@dataclass
class Router:
    """One per feature module; the engine merges them."""

    commands: dict[str, Route] = field(default_factory=dict)
    choices: dict[str, Route] = field(default_factory=dict)
    steps: dict[str, Route] = field(default_factory=dict)
    # what a city's officer (role city) gets for a command instead of a ward's answer
    city: dict[str, Route] = field(default_factory=dict)

    def command(
        self, *names: str, role: Role | None = Role.MEMBER, only: bool = False
    ) -> Decorator:
        """Handle `/name args`; the handler gets the text after the command."""
        return self._add(self.commands, names, role, only)

    def choice(
        self, *actions: str, role: Role | None = Role.MEMBER, only: bool = False
    ) -> Decorator:
        """Handle a choice whose value is `action:arg`; the handler gets `arg`."""
        return self._add(self.choices, actions, role, only)

    def step(self, *steps: str, role: Role | None = Role.MEMBER, only: bool = False) -> Decorator:
        """Handle the text of someone who is at a pending step."""
        return self._add(self.steps, steps, role, only)

    def city_command(self, *names: str) -> Decorator:
        """Handle `/name args` from a city's officer, in place of the ward's command."""
        return self._add(self.city, names, Role.CITY, True)

    def include(self, other: Router) -> None:
        """Take over another router's routes."""
        for mine, theirs in (
            (self.commands, other.commands),
            (self.choices, other.choices),
            (self.steps, other.steps),
            (self.city, other.city),
        ):
            clash = mine.keys() & theirs.keys()
            if clash:
                raise ValueError(f"routes defined twice: {sorted(clash)}")
            mine.update(theirs)

    @staticmethod
    def _add(
        table: dict[str, Route], names: tuple[str, ...], role: Role | None, only: bool
    ) -> Decorator:
        def register(handler: Handler) -> Handler:
            for name in names:
                table[name] = Route(handler, role, only)
            return handler

        return register
