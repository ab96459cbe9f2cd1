#include <iostream>

int main() {
    int n;
    std::cin >> n;
    unsigned weighted = 0;
    int divisors = 0;
    for (int d = 1; d <= n; ++d) {
        if (!(n % d)) {
            ++divisors;
            weighted += d * 7u + 1;
        }
    }
    std::cout << divisors << " " << weighted << "\n";
}
