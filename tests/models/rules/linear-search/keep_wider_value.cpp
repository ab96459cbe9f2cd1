#include <algorithm>
#include <iostream>
#include <vector>

int main() {
    std::vector<int> v = {5, 3, 9};
    long long hits = 0;
    for (long long x = 0; x < 5000000000LL; x += 1000000000LL)
        hits += std::count(v.begin(), v.end(), x + 3);
    std::cout << hits << "\n";
}
