#include <iostream>
#include <vector>
#include <algorithm>
using namespace std;

bool isPrime(int n);
bool pie_isPrime_trial_1(int n) {
    if (n < 2) return false;
    for (int i = 2; i * i <= n; i++) {
        if (n % i == 0) return false;
    }
    return true;
}

bool isPrime(int n) {
    static std::vector<char> pie_composite_1;  // pie_composite_1[k]: k >= 2 is not prime
    if (n >= 2 && n < 33554432) {
        if ((std::size_t)n >= pie_composite_1.size()) {
            const std::size_t pie_size_1 = std::min<std::size_t>(std::max<std::size_t>(2 * (std::size_t)n, 1 << 16), 33554432);
            pie_composite_1.assign(pie_size_1, 0);
            for (std::size_t pie_p_1 = 2; pie_p_1 * pie_p_1 < pie_size_1; pie_p_1++)
                if (!pie_composite_1[pie_p_1])
                    for (std::size_t pie_q_1 = pie_p_1 * pie_p_1; pie_q_1 < pie_size_1; pie_q_1 += pie_p_1)
                        pie_composite_1[pie_q_1] = 1;
        }
        return pie_composite_1[n] ? (false) : (true);
    }
    return pie_isPrime_trial_1(n);
}

int main() {
    int l, r;
    cin >> l >> r;
    int count = 0;
    for (int x = l; x <= r; x++)
        if (isPrime(x)) count++;
    cout << count << " " << isPrime(-7) << " " << isPrime(1) << " " << isPrime(1000000007) << endl;
}
