"""The account forms, with the messages people read when something is missing or wrong."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from app.forms import Form, check_email, check_password


class LoginForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "email": "Enter your email address",
        "password": "Enter your password",
    }
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    next: str = "/manage"

    _email = field_validator("email")(check_email)


class EmailForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"email": "Enter your email address"}
    email: str
    _email = field_validator("email")(check_email)


class NewPasswordForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"password": "Enter a new password"}
    password: str
    _password = field_validator("password")(check_password)


class AccountNameForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {"name": "Enter your name"}
    name: str = Field(max_length=200)


class ChangePasswordForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "current_password": "Enter your current password",
        "password": "Enter a new password",
    }
    current_password: str
    password: str
    _password = field_validator("password")(check_password)


class DeleteAccountForm(Form):
    MESSAGES: ClassVar[dict[str, str]] = {
        "delete_password": "Enter your password to confirm",
    }
    delete_password: str
