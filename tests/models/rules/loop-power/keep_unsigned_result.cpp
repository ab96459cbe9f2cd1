#include <iostream>

int main() {
    unsigned long long a, e, r = 1;
    std::cin >> a >> e;
    for (unsigned long long i = 0; i < e; i++) r = r * a % 1000000007ULL;
    std::cout << r << "\n";
}
