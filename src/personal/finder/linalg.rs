//! The little dense linear algebra the preference model needs: a Cholesky factor of a
//! symmetric positive-definite matrix and solves with it (a hundred unknowns at most, so
//! plain loops are fast enough).

/// The lower-triangular Cholesky factor `L` of a symmetric positive-definite `n` x `n` matrix
/// (`A = L Lᵀ`), row-major.
pub struct Cholesky {
    n: usize,
    lower: Vec<f64>,
}

impl Cholesky {
    /// Factors `matrix` (`n` x `n`, row-major, symmetric). A pivot that is not positive (a
    /// matrix that is not positive definite, from rounding) is floored at a tiny positive value
    /// instead of failing: the model's matrices carry a prior on their diagonal.
    pub fn new(matrix: &[f64], n: usize) -> Self {
        /// Smallest pivot kept (the prior's diagonal is many orders of magnitude above it).
        const MIN_PIVOT: f64 = 1e-12;
        let mut lower = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let dot: f64 = (0..j).map(|k| lower[i * n + k] * lower[j * n + k]).sum();
                let value = matrix[i * n + j] - dot;
                lower[i * n + j] = if i == j {
                    value.max(MIN_PIVOT).sqrt()
                } else {
                    value / lower[j * n + j]
                };
            }
        }
        Self { n, lower }
    }

    /// `y` with `L y = b`.
    pub fn forward(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = vec![0.0; n];
        for i in 0..n {
            let dot: f64 = (0..i).map(|k| self.lower[i * n + k] * y[k]).sum();
            y[i] = (b[i] - dot) / self.lower[i * n + i];
        }
        y
    }

    /// `x` with `Lᵀ x = y`.
    pub fn backward(&self, y: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let dot: f64 = (i + 1..n).map(|k| self.lower[k * n + i] * x[k]).sum();
            x[i] = (y[i] - dot) / self.lower[i * n + i];
        }
        x
    }

    /// `x` with `A x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        self.backward(&self.forward(b))
    }

    /// `bᵀ A⁻¹ b`: the squared length of `L⁻¹ b`.
    pub fn inverse_quadratic(&self, b: &[f64]) -> f64 {
        self.forward(b).iter().map(|v| v * v).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small positive-definite matrix is solved to rounding error.
    #[test]
    fn solves_a_positive_definite_system() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let b = [1.0, -2.0, 0.5];
        let chol = Cholesky::new(&a, 3);
        let x = chol.solve(&b);
        for i in 0..3 {
            let row: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!(
                (row - b[i]).abs() < 1e-12,
                "row {i}: {row} against {}",
                b[i]
            );
        }
        let quadratic: f64 = b.iter().zip(&x).map(|(b, x)| b * x).sum();
        assert!((chol.inverse_quadratic(&b) - quadratic).abs() < 1e-12);
    }
}
