#include <iostream>

int main() {
    long long e, r = 1;
    std::cin >> e;
    for (int i = 0; i < e; i++) r = r * (i + 2) % 1000000007;
    std::cout << r << "\n";
}
