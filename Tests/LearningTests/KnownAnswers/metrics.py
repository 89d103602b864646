"""Known answers for mlw's evaluation metrics, from scikit-learn 1.9.1.

Run: python metrics.py. MetricsKnownAnswerTests (TransformKnownAnswerTests.swift) holds the
figures this prints (metrics.out).
"""
import numpy as np
from sklearn.metrics import (balanced_accuracy_score, precision_score, recall_score, f1_score, log_loss,
                             matthews_corrcoef, mean_absolute_percentage_error)
r = lambda v: repr(float(v))
y = np.array([0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0])
p = np.array([0, 2, 2, 2, 1, 0, 1, 2, 1, 0, 2, 2])
proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.0, 0.1, 0.9], [0.2, 0.5, 0.3], [0.8, 0.1, 0.1],
                  [0.3, 0.4, 0.3], [0.1, 0.1, 0.8], [0.2, 0.6, 0.2], [0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.3, 0.2, 0.5]])
print("balanced_accuracy", r(balanced_accuracy_score(y, p)))
for average in ("macro", "weighted"):
    print(average, r(precision_score(y, p, average=average)), r(recall_score(y, p, average=average)), r(f1_score(y, p, average=average)))
print("log_loss", r(log_loss(y, proba)))
print("mcc", r(matthews_corrcoef(y, p)))
t = np.array([3.0, -0.5, 2.0, 7.0, 0.0]); q = np.array([2.5, 0.0, 2.0, 8.0, 0.1])
print("mape", r(mean_absolute_percentage_error(t, q)))
