#include <iostream>

int main() {
    long long a, e, mod, r = 1;
    std::cin >> a >> e >> mod;
    for (int i = 0; i < e; i++) {
        r *= a;
        r %= mod--;
    }
    std::cout << r << "\n";
}
