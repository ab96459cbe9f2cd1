#include <iostream>

long long mod = 1000000007;

int main() {
    long long a, e, r = 1;
    std::cin >> a >> e >> mod;
    for (int i = 0; i < e; i++) r = r * a % mod;
    std::cout << r << "\n";
}
