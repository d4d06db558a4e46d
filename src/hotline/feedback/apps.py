from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "hotline.feedback"
    label = "feedback"
