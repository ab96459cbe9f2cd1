#include <algorithm>
#include <iostream>
#include <vector>

int main() {
    std::vector<int> v = {5, 3, 9};
    for (int x = 0; x < 10; x++)
        std::cout << (std::find(v.begin(), v.end(), x) - v.begin()) << "\n";
}
