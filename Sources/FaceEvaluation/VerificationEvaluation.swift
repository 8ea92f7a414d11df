import FaceVision

/// Face verification quality over all pairs of labelled embeddings: how well one similarity
/// threshold separates "same person" from "different people".
public struct VerificationEvaluation: Sendable {
    public let genuinePairs: Int
    public let impostorPairs: Int
    /// Area under the ROC curve.
    public let auc: Double
    public let equalErrorRate: Double
    /// The threshold with the best accuracy over all pairs (each class weighted equally), and that accuracy.
    public let bestThreshold: Float
    public let bestBalancedAccuracy: Double
    /// The lowest threshold at which at most 0.1 % of impostor pairs are accepted, and the share of genuine pairs kept there.
    public let thresholdAtFAR001: Float
    public let trueAcceptRateAtFAR001: Double
    public let genuineMean: Double
    public let impostorMean: Double

    /// `labels[i]` is the identity of `embeddings[i]`.
    public init(embeddings: [[Float]], labels: [String]) {
        precondition(embeddings.count == labels.count)
        var genuine: [Float] = []
        var impostor: [Float] = []
        for i in embeddings.indices {
            for j in (i + 1)..<embeddings.count {
                let s = cosineSimilarity(embeddings[i], embeddings[j])
                if labels[i] == labels[j] { genuine.append(s) } else { impostor.append(s) }
            }
        }
        genuine.sort()
        impostor.sort()
        genuinePairs = genuine.count
        impostorPairs = impostor.count
        genuineMean = genuine.isEmpty ? 0 : genuine.reduce(0) { $0 + Double($1) } / Double(genuine.count)
        impostorMean = impostor.isEmpty ? 0 : impostor.reduce(0) { $0 + Double($1) } / Double(impostor.count)

        // AUC = P(genuine > impostor), by merging the two sorted lists.
        var below = 0
        var wins = 0.0
        for s in genuine {
            while below < impostor.count && impostor[below] < s { below += 1 }
            var ties = 0
            while below + ties < impostor.count && impostor[below + ties] == s { ties += 1 }
            wins += Double(below) + Double(ties) / 2
        }
        auc = genuine.isEmpty || impostor.isEmpty ? 0 : wins / (Double(genuine.count) * Double(impostor.count))

        // Sweep thresholds at every genuine score: accept s >= t.
        var eer = 1.0, eerGap = Double.infinity
        var bestAccuracy = 0.0, best: Float = 0
        var impostorIndex = 0
        for (k, t) in genuine.enumerated() {
            while impostorIndex < impostor.count && impostor[impostorIndex] < t { impostorIndex += 1 }
            let falseReject = Double(k) / Double(genuine.count)
            let falseAccept = Double(impostor.count - impostorIndex) / Double(max(1, impostor.count))
            if abs(falseReject - falseAccept) < eerGap { eerGap = abs(falseReject - falseAccept); eer = (falseReject + falseAccept) / 2 }
            let accuracy = 1 - (falseReject + falseAccept) / 2
            if accuracy > bestAccuracy { bestAccuracy = accuracy; best = t }
        }
        equalErrorRate = eer
        bestBalancedAccuracy = bestAccuracy
        bestThreshold = best
        let farIndex = impostor.isEmpty ? 0 : min(impostor.count - 1, Int((Double(impostor.count) * 0.999).rounded(.up)))
        let far = impostor.isEmpty ? 1 : impostor[farIndex]
        thresholdAtFAR001 = far
        trueAcceptRateAtFAR001 = Double(genuine.count - (genuine.firstIndex { $0 > far } ?? genuine.count)) / Double(max(1, genuine.count))
    }
}
